// history TEST: one test's verdicts per cell across every recorded run.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "results/run_lookup.h"
#include "results/test_history.h"

namespace kmx {
namespace {

struct HistoryArgs {
  TimelineFilter filter;
  std::string results = "results";
  bool json = false;
};

int history_command(const HistoryArgs& args) {
  const std::filesystem::path db = history_db_path(args.results);
  if (!std::filesystem::exists(db)) {
    std::cerr << "kmod-matrix: no " << db.string() << "\n  fix: run a matrix with --results " << args.results
              << ", or kmod-matrix import " << args.results << "/*/ --results " << args.results << "\n";
    return kExitBadInput;
  }
  const TestHistory history = query_test_history(HistoryStore::open(db), args.filter);
  if (args.json) {
    std::cout << test_history_to_json(history).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  if (history.cells.empty()) {
    std::cerr << "kmod-matrix: no verdict of " << args.filter.test << " in " << db.string()
              << (args.filter.kernel.empty() ? "" : " for kernel " + args.filter.kernel)
              << (args.filter.kmod.empty() ? "" : " for kmod " + args.filter.kmod)
              << "\n  fix: test ids look like kmod:0009 (kmod-matrix check MATRIX lists them)\n";
    return kExitBadInput;
  }
  std::cout << render_test_history_text(history);
  return kExitOk;
}

}  // namespace

CommandRun setup_history_command(CLI::App& command, ContextOptions&) {
  auto args = std::make_shared<HistoryArgs>();
  command.add_option("test", args->filter.test, "test id, e.g. kmod:0009")->required();
  command.add_option("--kernel", args->filter.kernel, "only cells of this kernel (its matrix name)");
  command.add_option("--kmod", args->filter.kmod, "only cells of this kmod (its matrix name)");
  command.add_option("--results", args->results, "directory holding history.db")->capture_default_str();
  command.add_flag("--json", args->json, "print the history as JSON");
  return [args](Context&) { return history_command(*args); };
}

}  // namespace kmx
