#include "bisect/matrix_step_runner.h"

#include <spdlog/spdlog.h>

#include "images/source_kernel_provider.h"
#include "images/source_kmod_provider.h"
#include "matrix/test_catalog.h"

namespace kmx {
namespace fs = std::filesystem;

std::string_view to_string(BisectAxis axis) { return axis == BisectAxis::kKmod ? "kmod" : "kernel"; }

void check_single_cell(const Matrix& m, const std::string& test) {
  const std::size_t cells = m.kernels.size() * m.kmods.size() * m.vcpus.size() * m.memory_mib.size();
  if (cells != 1)
    throw std::runtime_error(m.file.string() + " has " + std::to_string(cells) + " cells (" +
                             std::to_string(m.kernels.size()) + " kernels x " + std::to_string(m.kmods.size()) +
                             " kmods x " + std::to_string(m.vcpus.size()) + " vCPU counts x " +
                             std::to_string(m.memory_mib.size()) +
                             " memory sizes); a bisection runs one\n  fix: give it a matrix with one [[kernel]], "
                             "one [[kmod]], one vcpus and one memory_mib value");
  check_test_id(test);
}

Matrix matrix_at(const StepRunnerSetup& setup, const std::string& commit, const fs::path& tree) {
  Matrix m = only_test(setup.matrix, setup.test);
  const std::string name = "git-" + commit.substr(0, 12);
  const std::string location = "bisect " + commit;
  const std::vector<std::pair<std::string, std::string>> record = {{"path", tree.string()}, {"commit", commit}};
  if (setup.axis == BisectAxis::kKmod) {
    KmodSpec k;
    k.name = name;
    k.source = "source";
    k.location = location;
    k.record = record;
    k.settings = SourceKmodSpec{name, location, tree};
    m.kmods = {k};
  } else {
    KernelSpec k;
    k.name = name;
    k.source = "source";
    k.location = location;
    k.record = record;
    k.settings = SourceKernelSpec{name, location, tree, setup.kernel_config, setup.kernel_build_dir};
    m.kernels = {k};
  }
  return m;
}

void MatrixStepRunner::prepare(const std::string& commit) {
  if (prepared_commit_ == commit) return;
  prepared_commit_.clear();
  const fs::path tree = setup_.materialise(commit);
  prepared_ = matrix_at(setup_, commit, tree);
  spdlog::info("building {} at {} from {}", to_string(setup_.axis), commit.substr(0, 12), tree.string());
  try {
    images_.image_for(expand_cells(prepared_).front());
  } catch (const ImageError& e) {  // UnknownInputError too: e.g. a revision too old to be a kmod tree
    throw StepBuildError(e.what());
  }
  prepared_commit_ = commit;
}

std::optional<RunRecord> MatrixStepRunner::run(const std::string& commit, int run) {
  prepare(commit);
  const std::string number = std::to_string(run);
  RunSettings s = setup_.settings;
  s.run_id = setup_.settings.run_id + "-" + commit.substr(0, 12) + "-" + number;
  s.run_dir = setup_.results_dir / "steps" / commit.substr(0, 12) / ("run-" + number);
  return run_test_once(prepared_, setup_.test, std::move(s), setup_.results_dir, setup_.writers_for, images_, clock_);
}

}  // namespace kmx
