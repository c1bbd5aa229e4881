// compare OLD NEW | compare --previous RUN: what changed between two runs.
// Exit 0 without regressions, 1 with, 2 when a run cannot be found.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "results/history_store.h"
#include "results/results_json.h"
#include "results/run_compare.h"
#include "results/run_lookup.h"

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
  std::string old_run, new_run;
  if (!args.previous.empty()) {
    if (!args.runs.empty()) {
      std::cerr << "kmod-matrix: give OLD NEW or --previous RUN, not both\n";
      return kExitBadInput;
    }
    const fs::path db = history_db_path(root);
    if (!fs::exists(db)) {
      std::cerr << "kmod-matrix: no " << db.string() << " to find the run before " << args.previous
                << "\n  fix: kmod-matrix import " << root.string() << "/*/ --results " << root.string()
                << ", or compare OLD NEW\n";
      return kExitBadInput;
    }
    const fs::path new_dir = find_run_dir(root, args.previous);
    const HistoryStore store = HistoryStore::open(db);
    const RunResult run = read_run_result(new_dir);
    bool recorded = false;
    for (const auto& r : store.runs_of_matrix(run.matrix_name)) recorded = recorded || r.run_id == run.run_id;
    if (!recorded) {
      std::cerr << "kmod-matrix: run " << run.run_id << " is not recorded in " << db.string()
                << "\n  fix: kmod-matrix import " << new_dir.string() << " --results " << root.string() << "\n";
      return kExitBadInput;
    }
    const auto previous = store.previous_run(run.run_id);
    if (!previous) {
      std::cout << "no earlier run of matrix " << run.matrix_name << " in " << db.string() << ": nothing to compare "
                << run.run_id << " with\n";
      return kExitOk;
    }
    old_run = previous->run_id;
    new_run = new_dir.string();
  } else if (args.runs.size() == 2) {
    old_run = args.runs[0];
    new_run = args.runs[1];
  } else {
    std::cerr << "kmod-matrix: compare needs OLD NEW or --previous RUN\n"
                 "  fix: kmod-matrix compare 20261121-010000-4821 20261122-010000-5120\n";
    return kExitBadInput;
  }
  const RunResult old_result = read_run_result(find_run_dir(root, old_run));  // OLD's error first
  const RunComparison comparison = compare_runs(old_result, read_run_result(find_run_dir(root, new_run)));
  if (args.json)
    std::cout << comparison_to_json(comparison).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else
    std::cout << render_comparison_text(comparison);
  return comparison.has_regressions() ? kExitUnexpected : kExitOk;
}

}  // namespace

CommandRun setup_compare_command(CLI::App& command, ContextOptions&) {
  auto args = std::make_shared<CompareArgs>();
  command.add_option("runs", args->runs, "OLD NEW: run ids under --results, or run directories")->expected(0, 2);
  command.add_option("--previous", args->previous,
                     "compare RUN with the previous run of the same matrix in <results>/history.db");
  command.add_option("--results", args->results, "directory holding the runs and history.db")->capture_default_str();
  command.add_flag("--json", args->json, "print the comparison as JSON");
  return [args](Context&) { return compare_command(*args); };
}

}  // namespace kmx
