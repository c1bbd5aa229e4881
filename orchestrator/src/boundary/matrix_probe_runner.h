// The real ProbeRunner: the matrix's one kernel and kmod with the searched
// axis set to the probed value and the test the only one, run with
// run_test_once (as a bisect step's run is) into its own run directory
// <results_dir>/probes/<axis>-<value>-<repeat>/ with its own results.json.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "boundary/boundary_search.h"
#include "matrix/matrix.h"
#include "run/image_source.h"
#include "run/run_matrix.h"

namespace kmx {

// The matrix reduced to one kernel and one kmod: the one named (kernel,
// kmod; "" when the matrix has only one), with the other axis than the
// searched one at a single value. Throws std::runtime_error naming the
// matrix and the fix otherwise, and unless `test` is one known test id.
Matrix reduce_to_one_cell(const Matrix& matrix, const std::string& kernel, const std::string& kmod,
                          const std::string& test, BoundaryAxis axis);

struct ProbeRunnerSetup {
  Matrix matrix;  // reduced (reduce_to_one_cell); the searched axis's values are replaced per probe
  std::string test;
  BoundaryAxis axis = BoundaryAxis::kMemory;
  std::filesystem::path results_dir;  // probes/ goes below; RunRecord::run_dir is relative to it
  // Budget, owner, stop, accelerator, tool version, host, matrix_sha256;
  // run_id is the prefix of each probe's run id.
  RunSettings settings;
  std::function<std::vector<RunWriter*>(const std::filesystem::path& run_dir)> writers_for;
};

// The one-cell, one-test matrix of a probe at `value`.
Matrix matrix_for_probe(const ProbeRunnerSetup& setup, int value);

// "memory_mib-192-1": a probe's directory under probes/ and its run id's suffix.
std::string probe_name(BoundaryAxis axis, int value, int repeat);

class MatrixProbeRunner : public ProbeRunner {
 public:
  MatrixProbeRunner(ProbeRunnerSetup setup, ImageSource& images, Clock& clock)
      : setup_(std::move(setup)), images_(images), clock_(clock) {}
  std::optional<RunRecord> run(int value, int repeat) override;

 private:
  ProbeRunnerSetup setup_;
  ImageSource& images_;
  Clock& clock_;
};

}  // namespace kmx
