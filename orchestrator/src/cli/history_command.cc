// history [TEST]: what history.db recorded across runs. With a test, its
// verdicts per cell as spans ("PASS until run X, FAIL since run Y") with the
// pass rate and flips; without, every test of a matrix in every cell over a
// window of runs, a letter per run. --last N and --since DATE set the window.
#include <iostream>
#include <memory>

#include "analysis/matrix_history.h"
#include "analysis/test_history.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "reports/report_context.h"
#include "store/run_lookup.h"

namespace kmx {
namespace {

struct HistoryArgs {
  TimelineFilter filter;
  std::string matrix;
  std::string results = "results";
  bool json = false;
};

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 40; ++i) out += (out.empty() ? "" : ", ") + names[i];
  if (names.size() > 40) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return one_line_text(out, 2000);
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Why a test's history is empty, with the names to choose from.
void explain_empty(const HistoryStore& store, const HistoryArgs& args, const std::filesystem::path& db) {
  const TimelineFilter& f = args.filter;
  std::cerr << "kmod-matrix: no verdict of " << one_line_text(f.test) << " in " << db.string();
  if (const auto tests = store.test_ids(); !contains(tests, f.test))
    std::cerr << ": history.db has no test of that id\n  fix: one of " << listed(tests) << "\n";
  else if (const auto kernels = store.kernel_names(); !f.kernel.empty() && !contains(kernels, f.kernel))
    std::cerr << ": no kernel is named '" << one_line_text(f.kernel) << "'\n  fix: --kernel one of " << listed(kernels)
              << "\n";
  else if (const auto kmods = store.kmod_names(); !f.kmod.empty() && !contains(kmods, f.kmod))
    std::cerr << ": no kmod is named '" << one_line_text(f.kmod) << "'\n  fix: --kmod one of " << listed(kmods) << "\n";
  else
    std::cerr << " with these filters and window\n  fix: widen --last/--since, or drop --kernel/--kmod\n";
}

int matrix_history(const HistoryStore& store, const HistoryArgs& args, const std::filesystem::path& db) {
  const auto matrices = store.matrix_names();
  if (matrices.empty()) {
    std::cerr << "kmod-matrix: " << db.string() << " records no run\n  fix: run a matrix with --results "
              << args.results << "\n";
    return kExitBadInput;
  }
  const std::string matrix = args.matrix.empty() ? matrices.front() : args.matrix;
  if (!contains(matrices, matrix)) {
    std::cerr << "kmod-matrix: no run of matrix '" << one_line_text(matrix) << "' in " << db.string()
              << "\n  fix: --matrix one of " << listed(matrices) << "\n";
    return kExitBadInput;
  }
  const MatrixHistory history = query_matrix_history(store, matrix, args.filter.window);
  if (args.json)
    std::cout << matrix_history_to_json(history).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else
    std::cout << render_matrix_history_text(history);
  return kExitOk;
}

int history_command(const HistoryArgs& args) {
  const std::filesystem::path db = history_db_path(args.results);
  if (!std::filesystem::exists(db)) {
    std::cerr << "kmod-matrix: no " << db.string() << "\n  fix: run a matrix with --results " << args.results
              << ", or kmod-matrix import " << args.results << "/*/ --results " << args.results << "\n";
    return kExitBadInput;
  }
  if (args.filter.window.last_runs < 0) {
    std::cerr << "kmod-matrix: --last " << args.filter.window.last_runs << ": a number of runs, 1 or more\n"
              << "  fix: e.g. --last 7\n";
    return kExitBadInput;
  }
  const HistoryStore store = HistoryStore::open(db);
  if (args.filter.test.empty()) return matrix_history(store, args, db);
  const TestHistory history = query_test_history(store, args.filter);
  if (args.json) {
    std::cout << test_history_to_json(history).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  if (history.cells.empty()) {
    explain_empty(store, args, db);
    return kExitBadInput;
  }
  std::cout << render_test_history_text(history);
  return kExitOk;
}

}  // namespace

CommandRun setup_history_command(CLI::App& command, ContextOptions&) {
  auto args = std::make_shared<HistoryArgs>();
  command.add_option("test", args->filter.test,
                     "test id, e.g. kmod:0009; without it, every test of a matrix in every cell");
  command.add_option("--kernel", args->filter.kernel, "only cells of this kernel (its matrix name)");
  command.add_option("--kmod", args->filter.kmod, "only cells of this kmod (its matrix name)");
  command.add_option("--matrix", args->matrix,
                     "the matrix of the whole-matrix view (default: the one run most recently)");
  command.add_option("--last", args->filter.window.last_runs, "only the last N runs");
  command.add_option("--since", args->filter.window.since, "only runs started on or after this date (YYYY-MM-DD)");
  command.add_option("--results", args->results, "directory holding history.db")->capture_default_str();
  command.add_flag("--json", args->json, "print the history as JSON");
  return [args](Context&) { return history_command(*args); };
}

}  // namespace kmx
