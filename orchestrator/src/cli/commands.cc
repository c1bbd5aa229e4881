#include "cli/command.h"

namespace kmx {

// Each defined in its <name>_command.cc.
CommandRun setup_run_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_check_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_cache_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_cleanup_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_compare_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_history_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_report_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_import_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_bisect_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_bisect_step_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_boundary_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_merge_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_site_command(CLI::App& command, ContextOptions& shared);

namespace {

constexpr Command kCommands[] = {
    {"run", "boot every cell of a matrix and print the verdict matrix", setup_run_command},
    {"check", "validate a matrix file and list its cells", setup_check_command},
    {"cache", "show the cache's size per kind; with --gc, remove unused entries", setup_cache_command},
    {"cleanup", "destroy domains left by kmod-matrix runs that no longer exist", setup_cleanup_command},
    {"compare", "what changed between two runs; exit 1 on regressions", setup_compare_command},
    {"history", "one test's verdicts per cell across the runs in history.db", setup_history_command},
    {"report", "write a run's JUnit, KTAP, KCIDB or HTML report", setup_report_command},
    {"import", "record runs made before into history.db", setup_import_command},
    {"site", "write a static HTML site of a matrix's last nights from history.db, with each night's report and logs",
     setup_site_command},
    {"merge", "join shard runs (run --shard K/N) into one run with its history and reports", setup_merge_command},
    {"bisect", "find the kmod or kernel commit where one cell's test changed behaviour", setup_bisect_command},
    {"bisect-step", "build and test a checkout's HEAD for git bisect run (exit 0 old, 1 new, 125 skip)",
     setup_bisect_step_command, kExitAbortBisect},
    {"boundary", "find the memory size or vCPU count where one cell's test stops failing", setup_boundary_command},
};

}  // namespace

std::span<const Command> commands() { return kCommands; }

int bad_input_status(int argc, char** argv) {
  if (argc >= 2)
    for (const auto& command : kCommands)
      if (std::string_view(argv[1]) == command.name) return command.bad_input_status;
  return kExitBadInput;
}

}  // namespace kmx
