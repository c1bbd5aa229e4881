// The real StepRunner: the revision materialised (checked out in the
// bisection's clone), put into the matrix's one cell as a `source` kmod or
// `source` kernel named git-<sha12> (the kernel built incrementally in one
// persistent O= directory), its image built once, then run_matrix on that
// cell for each run: a fresh boot, a run directory
// <results_dir>/steps/<sha12>/run-<n>/ with its own results.json.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bisect/step_runner.h"
#include "matrix/matrix.h"
#include "run/image_source.h"
#include "run/one_test_run.h"
#include "run/run_matrix.h"

namespace kmx {

enum class BisectAxis { kKmod, kKernel };

std::string_view to_string(BisectAxis axis);

struct StepRunnerSetup {
  Matrix matrix;  // names exactly one cell (check_single_cell)
  std::string test;
  BisectAxis axis = BisectAxis::kKmod;
  // The source tree at a commit: a checkout in the bisection's own clone,
  // or, for bisect-step, the user's tree as git bisect left it.
  std::function<std::filesystem::path(const std::string& commit)> materialise;
  std::vector<std::filesystem::path> kernel_config;  // kernel steps; empty: the source provider's default
  std::filesystem::path kernel_build_dir;            // kernel steps: the persistent O= directory
  std::filesystem::path results_dir;                 // run directories go below; RunRecord::run_dir is relative to it
  // Budget, owner, stop, accelerator, tool version and host; run_id is the
  // prefix of each run's id; run_dir and writers are set per run.
  RunSettings settings;
  std::function<std::vector<RunWriter*>(const std::filesystem::path& run_dir)> writers_for;
};

// Throws std::runtime_error with a fix unless the matrix has exactly one
// kernel, kmod, vCPU count and memory size, and `test` is one known test id.
void check_single_cell(const Matrix& matrix, const std::string& test);

// The one-cell matrix at `commit`: the bisected axis replaced by a `source`
// spec of `tree`, `test` the only test, no reruns or expectations (a step's
// runs and their reading are the bisection's own).
Matrix matrix_at(const StepRunnerSetup& setup, const std::string& commit, const std::filesystem::path& tree);

class MatrixStepRunner : public StepRunner {
 public:
  MatrixStepRunner(StepRunnerSetup setup, ImageSource& images, Clock& clock)
      : setup_(std::move(setup)), images_(images), clock_(clock) {}
  std::optional<RunRecord> run(const std::string& commit, int run) override;

 private:
  void prepare(const std::string& commit);

  StepRunnerSetup setup_;
  ImageSource& images_;
  Clock& clock_;
  std::string prepared_commit_;
  Matrix prepared_;
};

}  // namespace kmx
