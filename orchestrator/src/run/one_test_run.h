// One test in a fresh boot, read back as one record: what a bisect step's
// runs and a boundary probe are made of. The matrix is cut to the one test
// (only_test) and run through run_matrix into a run directory of its own.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "matrix/matrix.h"
#include "run/image_source.h"
#include "run/run_matrix.h"
#include "verdict/verdict.h"

namespace kmx {

// One run of one test: one fresh boot.
struct RunRecord {
  Verdict verdict = Verdict::kError;
  std::string evidence;
  std::string run_dir;  // relative to the results directory run_test_once was given
  int rounds = 0;       // kmod.sh rounds the matrix set; 0: kmod.sh's own
  double duration_s = 0;
};

// Throws std::runtime_error with a fix unless `test` is one known test id
// (not a pattern such as kmod:*).
void check_test_id(const std::string& test);

// The matrix with `test` its only test and no reruns or expectations: a
// bisect step's or boundary probe's runs are read by their caller.
Matrix only_test(Matrix matrix, const std::string& test);

// Runs matrix (one cell, `test` its only test) once, in a fresh boot, into
// settings.run_dir (emptied first: a run cut short before starts again),
// with writers_for(run_dir) told of it. RunRecord::run_dir is relative to
// results_dir. nullopt: stopped, whatever the interrupted boot showed.
std::optional<RunRecord> run_test_once(
    const Matrix& matrix, const std::string& test, RunSettings settings, const std::filesystem::path& results_dir,
    const std::function<std::vector<RunWriter*>(const std::filesystem::path& run_dir)>& writers_for,
    ImageSource& images, Clock& clock);

}  // namespace kmx
