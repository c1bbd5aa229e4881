#include "run/one_test_run.h"

#include "matrix/test_catalog.h"

namespace kmx {
namespace fs = std::filesystem;

void check_test_id(const std::string& test) {
  std::string error;
  const auto ids = expand_test_pattern(test, error);
  if (!ids || ids->size() != 1 || ids->front() != test)
    throw std::runtime_error("--test " + test + ": " + (error.empty() ? "not one test id" : error) +
                             "\n  fix: name one test, e.g. --test kmod:0009 or --test ns:import");
}

Matrix only_test(Matrix m, const std::string& test) {
  m.tests = {test};
  m.reruns = 0;
  m.expectations.clear();
  return m;
}

std::optional<RunRecord> run_test_once(const Matrix& matrix, const std::string& test, RunSettings s,
                                       const fs::path& results_dir,
                                       const std::function<std::vector<RunWriter*>(const fs::path&)>& writers_for,
                                       ImageSource& images, Clock& clock) {
  std::error_code ignored;
  fs::remove_all(s.run_dir, ignored);  // a run cut short before: it starts again
  fs::create_directories(s.run_dir);
  s.previous.clear();
  s.writers = writers_for ? writers_for(s.run_dir) : std::vector<RunWriter*>{};
  const RunResult result = run_matrix(matrix, images, clock, s);
  if (s.stop && *s.stop) return std::nullopt;  // whatever an interrupted boot showed, it is run again
  const std::string run_dir = fs::relative(s.run_dir, results_dir).string();
  for (const auto& cell : result.cells)
    for (const auto& t : cell.tests)
      if (t.test == test) return RunRecord{t.verdict, t.evidence, run_dir, t.rounds, t.duration_s};
  return RunRecord{Verdict::kError, "the run gave " + test + " no verdict", run_dir, 0, 0};
}

}  // namespace kmx
