#include "boundary/matrix_probe_runner.h"

#include <stdexcept>

#include "run/one_test_run.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;

// The one spec named `wanted`, or the only one when `wanted` is empty.
template <class Spec>
Spec pick(const std::vector<Spec>& specs, const std::string& wanted, const std::string& what, const Matrix& m) {
  std::string names;
  for (const auto& s : specs) names += (names.empty() ? "" : ", ") + s.name;
  if (wanted.empty()) {
    if (specs.size() == 1) return specs.front();
    throw std::runtime_error(m.file.string() + " has " + std::to_string(specs.size()) + " " + what +
                             "s; a boundary search runs one\n  fix: pick one with --" + what +
                             " NAME (one of: " + names + ")");
  }
  for (const auto& s : specs)
    if (s.name == wanted) return s;
  throw std::runtime_error("--" + what + " " + wanted + ": " + m.file.string() + " has no [[" + what +
                           "]] of that name\n  fix: one of: " + names);
}

}  // namespace

Matrix reduce_to_one_cell(const Matrix& matrix, const std::string& kernel, const std::string& kmod,
                          const std::string& test, BoundaryAxis axis) {
  check_test_id(test);
  Matrix m = matrix;
  m.kernels = {pick(matrix.kernels, kernel, "kernel", matrix)};
  m.kmods = {pick(matrix.kmods, kmod, "kmod", matrix)};
  // The other axis than the searched one stays as the matrix declares it.
  const bool memory = axis == BoundaryAxis::kMemory;
  const std::vector<int>& fixed = memory ? m.vcpus : m.memory_mib;
  if (fixed.size() != 1)
    throw std::runtime_error(m.file.string() + " has " + std::to_string(fixed.size()) +
                             (memory ? " vCPU counts" : " memory sizes") + "; a search over " +
                             std::string(to_string(axis)) + " keeps the other axis at one value\n  fix: give " +
                             (memory ? "vcpus" : "memory_mib") + " one value in the matrix");
  return m;
}

Matrix matrix_for_probe(const ProbeRunnerSetup& setup, int value) {
  Matrix m = only_test(setup.matrix, setup.test);
  (setup.axis == BoundaryAxis::kMemory ? m.memory_mib : m.vcpus) = {value};
  return m;
}

std::string probe_name(BoundaryAxis axis, int value, int repeat) {
  return std::string(to_string(axis)) + "-" + std::to_string(value) + "-" + std::to_string(repeat);
}

std::optional<RunRecord> MatrixProbeRunner::run(int value, int repeat) {
  const std::string name = probe_name(setup_.axis, value, repeat);
  RunSettings s = setup_.settings;
  s.run_id = setup_.settings.run_id + "-" + name;
  s.run_dir = setup_.results_dir / "probes" / name;
  return run_test_once(matrix_for_probe(setup_, value), setup_.test, std::move(s), setup_.results_dir,
                       setup_.writers_for, images_, clock_);
}

}  // namespace kmx
