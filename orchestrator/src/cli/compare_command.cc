// compare OLD NEW | compare --previous RUN: what changed between two runs,
// each read from its directory or, when that is gone, from history.db.
// With a history.db, a flip the test's recorded rate explains is listed
// "within the known rate" instead (analysis/known_rates.h).
// Exit 0 when nothing regressed, 1 on regressions, missing or vanished
// tests and cells, 2 when a run cannot be found.
#include <iostream>
#include <memory>
#include <optional>

#include "analysis/known_rates.h"
#include "analysis/run_compare.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "reports/report_context.h"
#include "store/history_store.h"
#include "store/results_json.h"
#include "store/run_lookup.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;

struct CompareArgs {
  std::vector<std::string> runs;  // OLD NEW
  std::string previous;           // --previous RUN
  std::string results = "results";
  bool json = false;
};

int compare_command(const CompareArgs& args) {
  const fs::path root = args.results;
  std::optional<FoundRun> old_run, new_run;
  if (!args.previous.empty()) {
    if (!args.runs.empty()) {
      std::cerr << "kmod-matrix: compare takes either OLD NEW or --previous RUN, not both\n"
                   "  fix: kmod-matrix compare --previous RUN, or kmod-matrix compare OLD NEW\n";
      return kExitBadInput;
    }
    const fs::path db = history_db_path(root);
    if (!fs::exists(db)) {
      std::cerr << "kmod-matrix: no " << db.string() << " to find the run before " << args.previous
                << "\n  fix: kmod-matrix import " << root.string() << "/*/ --results " << root.string()
                << ", or compare OLD NEW\n";
      return kExitBadInput;
    }
    new_run = load_run(root, args.previous);
    const HistoryStore store = HistoryStore::open(db);
    bool recorded = false;
    for (const auto& r : store.runs_of_matrix(new_run->run.matrix_name))
      recorded = recorded || r.run_id == new_run->run.run_id;
    if (!recorded) {
      std::cerr << "kmod-matrix: run " << one_line_text(new_run->run.run_id) << " is not recorded in " << db.string()
                << "\n  fix: kmod-matrix import " << new_run->dir.string() << " --results " << root.string() << "\n";
      return kExitBadInput;
    }
    old_run = load_previous_run(root, new_run->run.run_id);
    if (!old_run) {
      std::cout << "no earlier run of matrix " << one_line_text(new_run->run.matrix_name) << " in " << db.string()
                << ": nothing to compare " << one_line_text(new_run->run.run_id) << " with\n";
      return kExitOk;
    }
  } else if (args.runs.size() == 2) {
    old_run = load_run(root, args.runs[0]);  // OLD's error first
    new_run = load_run(root, args.runs[1]);
  } else {
    std::cerr << "kmod-matrix: compare takes two runs, OLD then NEW, or --previous RUN; "
              << (args.runs.empty()
                      ? std::string("none was given")
                      : std::to_string(args.runs.size()) + (args.runs.size() == 1 ? " was" : " were") + " given")
              << "\n  fix: kmod-matrix compare 20261121-010000-4821 20261122-010000-5120, or kmod-matrix compare "
                 "--previous 20261122-010000-5120\n";
    return kExitBadInput;
  }
  RunComparison comparison = compare_runs(old_run->run, new_run->run);
  comparison.old_run_dir = old_run->dir.string();
  comparison.new_run_dir = new_run->dir.string();
  // Flips the recorded rates explain are not regressions (docs/reports.md).
  if (const fs::path db = history_db_path(root); fs::exists(db))
    judge_against_history(comparison, new_run->run,
                          HistoryStore::open(db).matrix_verdicts(new_run->run.matrix_name, ""));
  if (args.json)
    std::cout << comparison_to_json(comparison).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else
    std::cout << render_comparison_text(comparison);
  return comparison.is_unexpected() ? kExitUnexpected : kExitOk;
}

}  // namespace

CommandRun setup_compare_command(CLI::App& command, ContextOptions&) {
  auto args = std::make_shared<CompareArgs>();
  command.add_option("runs", args->runs,
                     "OLD NEW: run ids under --results (or only in its history.db), or run directories");
  command.add_option("--previous", args->previous,
                     "compare RUN with the previous run of the same matrix in <results>/history.db");
  command.add_option("--results", args->results, "directory holding the runs and history.db")->capture_default_str();
  command.add_flag("--json", args->json, "print the comparison as JSON");
  return [args](Context&) { return compare_command(*args); };
}

}  // namespace kmx
