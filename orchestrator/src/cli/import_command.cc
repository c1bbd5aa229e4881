// import RUN_DIR...: record runs made before history.db existed (or on
// another machine) into <results>/history.db. Recording a run twice
// replaces it.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "store/history_store.h"
#include "store/results_json.h"
#include "store/run_lookup.h"

namespace kmx {
namespace {

struct ImportArgs {
  std::vector<std::string> runs;
  std::string results = "results";
};

int import_command(const ImportArgs& args) {
  // Every run is read before the database is touched: a typo imports nothing.
  std::vector<RunResult> runs;
  for (const auto& run : args.runs) runs.push_back(read_run_result(find_run_dir(args.results, run)));
  HistoryStore store = HistoryStore::open(history_db_path(args.results));
  for (const auto& run : runs) {
    store.record_run(run);
    std::cout << "imported " << run.run_id << " (" << run.matrix_name << ", " << run.cells.size() << " cells)\n";
  }
  return kExitOk;
}

}  // namespace

CommandRun setup_import_command(CLI::App& command, ContextOptions&) {
  auto args = std::make_shared<ImportArgs>();
  command.add_option("runs", args->runs, "run directories (or run ids under --results) to record")->required();
  command.add_option("--results", args->results, "directory holding history.db")->capture_default_str();
  return [args](Context&) { return import_command(*args); };
}

}  // namespace kmx
