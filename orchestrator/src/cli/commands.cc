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
CommandRun setup_setup_host_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_generate_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_site_command(CLI::App& command, ContextOptions& shared);

namespace {

// Each command's exit statuses, shown at the end of its --help.
constexpr const char* kRunExits =
    "Exit status:\n"
    "  0    every verdict as expected\n"
    "  1    some verdict not as expected (marked ! in the matrix)\n"
    "  2    bad input (matrix errors, unknown kernel, impossible RAM size) or an unusable host\n"
    "  3    the only unexpected verdicts are ERROR (a VM would not start, an image could not be built), or\n"
    "       results could not be written: rerun, or run --resume RUN_ID\n"
    "  130  interrupted (SIGINT/SIGTERM); finished cells are kept, run --resume RUN_ID finishes the rest";
constexpr const char* kMergeExits =
    "Exit status:\n"
    "  0    every verdict of the merged run as expected\n"
    "  1    some verdict not as expected, or a cell in none of the runs (its tests MISS: a shard lost)\n"
    "  2    bad input: shards of different matrices, a cell twice, a run directory without results\n"
    "  3    the only unexpected verdicts are ERROR, or a report or history.db could not be written (the\n"
    "       merged run is kept)";
constexpr const char* kCompareExits =
    "Exit status:\n"
    "  0    nothing regressed (or --previous of a matrix's first run: nothing to compare)\n"
    "  1    regressions, missing (MISS) or vanished tests or cells\n"
    "  2    a run cannot be found, or bad arguments";
constexpr const char* kOfflineExits =
    "Exit status:\n"
    "  0    done\n"
    "  2    bad input: no history.db, an unknown run, test, kernel, kmod or format, a directory that is not there";
constexpr const char* kCheckExits =
    "Exit status:\n"
    "  0    the matrix is valid and every kernel and kmod it names was found\n"
    "  2    the matrix's problems, every one with its place and fix, or a kernel or kmod that cannot be found";
constexpr const char* kToolExits =
    "Exit status:\n"
    "  0    done\n"
    "  2    bad input or an unusable host";
constexpr const char* kSetupHostExits =
    "Exit status:\n"
    "  0    the host is ready (or, with --undo, back as it was)\n"
    "  1    a step failed (the daemons did not answer, apt failed): its message says which\n"
    "  2    not root, or bad arguments";
constexpr const char* kBisectExits =
    "Exit status:\n"
    "  0    the first new commit was found\n"
    "  1    skipped commits leave a range, or the culprit's verification did not reproduce it\n"
    "  2    bad input, an end that does not build, or ends that behave alike\n"
    "  3    the harness failed at an end (--resume retries)\n"
    "  130  interrupted (--resume continues)";
constexpr const char* kBisectStepExits =
    "Exit status (git bisect run's):\n"
    "  0    old\n"
    "  1    new\n"
    "  125  skip (does not build, harness error, a verdict of neither side)\n"
    "  128  bad input or any other problem (stops git bisect run)\n"
    "  130  interrupted";
constexpr const char* kBoundaryExits =
    "Exit status (boundary.json is written in every case):\n"
    "  0    the boundary was found\n"
    "  1    HIGH is bad too (no boundary in range)\n"
    "  2    bad input\n"
    "  3    the harness failed twice in a row at one probe\n"
    "  130  interrupted";

constexpr Command kCommands[] = {
    {"run", "boot every cell of a matrix and print the verdict matrix", setup_run_command, kRunExits},
    {"check", "validate a matrix file and list its cells", setup_check_command, kCheckExits},
    {"cache", "show the cache's size per kind; with --gc, remove unused entries", setup_cache_command, kToolExits},
    {"cleanup", "destroy domains left by kmod-matrix runs that no longer exist", setup_cleanup_command, kToolExits},
    {"compare", "what changed between two runs; exit 1 on regressions, missing or vanished work", setup_compare_command,
     kCompareExits},
    {"history", "verdicts across the runs in history.db: one test per cell, or a whole matrix", setup_history_command,
     kOfflineExits},
    {"report", "write a run's JUnit, KTAP, KCIDB or HTML report", setup_report_command, kOfflineExits},
    {"import", "record runs made before into history.db", setup_import_command, kOfflineExits},
    {"site", "write a static HTML site of a matrix's last nights from history.db, with each night's report and logs",
     setup_site_command, kOfflineExits},
    {"merge", "join shard runs (run --shard K/N) into one run with its history and reports", setup_merge_command,
     kMergeExits},
    {"bisect", "find the kmod or kernel commit where one cell's test changed behaviour", setup_bisect_command,
     kBisectExits},
    {"bisect-step", "build and test a checkout's HEAD for git bisect run (exit 0 old, 1 new, 125 skip)",
     setup_bisect_step_command, kBisectStepExits, kExitAbortBisect},
    {"boundary", "find the memory size or vCPU count where one cell's test stops failing", setup_boundary_command,
     kBoundaryExits},
    {"setup-host",
     "prepare this host as root: apt suites for other releases' kernels, the libvirt user, /dev/kvm, the libvirt "
     "daemons (--undo reverses it)",
     setup_setup_host_command, kSetupHostExits},
    {"generate", "write kmod-matrix(1) or the bash completion from this command table", setup_generate_command,
     kToolExits},
};

}  // namespace

std::span<const Command> commands() { return kCommands; }

std::map<CLI::App*, CommandRun> add_commands(CLI::App& app, ContextOptions& shared) {
  std::map<CLI::App*, CommandRun> runs;
  for (const auto& command : kCommands) {
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    runs[sub] = command.setup(*sub, shared);
    // A command's own note, if it has one (not the footer it inherited from
    // the app), then its exit statuses.
    std::string note = sub->get_footer();
    if (note == app.get_footer()) note.clear();
    sub->footer(note.empty() ? std::string(command.exit_codes) : note + "\n\n" + command.exit_codes);
  }
  return runs;
}

int bad_input_status(int argc, char** argv) {
  if (argc >= 2)
    for (const auto& command : kCommands)
      if (std::string_view(argv[1]) == command.name) return command.bad_input_status;
  return kExitBadInput;
}

}  // namespace kmx
