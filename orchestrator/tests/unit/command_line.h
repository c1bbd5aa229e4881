// Runs one kmod-matrix command line in-process, as main.cc would: every
// command set up from the table, `args` parsed, the chosen one run.
#pragma once

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/exit_codes.h"

namespace kmx::testing {

inline int run_command_line(std::vector<std::string> args, ContextOptions shared = {}) {
  CLI::App app;
  const std::map<CLI::App*, CommandRun> runs = add_commands(app, shared);
  std::reverse(args.begin(), args.end());  // CLI11 parses a vector back to front
  app.parse(args);
  std::atomic<bool> stop{false};
  Context ctx(shared, stop);
  for (const auto& [sub, run] : runs)
    if (sub->parsed()) return run(ctx);
  return -1;
}

// The app as main.cc builds it: every command from the table, -h/--help,
// --version and the exit statuses as its footer; for what walks the app
// (the man page, the bash completion).
class CommandTableApp {
 public:
  CommandTableApp() : app_("kmod-matrix: regression tests for the Linux module loader across a VM matrix") {
    app_.set_help_flag();
    app_.set_help_all_flag("-h,--help", "print this help (every command with its options) and exit");
    app_.set_version_flag("--version", "kmod-matrix test");
    app_.footer(kExitCodesHelp);
    runs_ = add_commands(app_, shared_);
  }
  const CLI::App& app() const { return app_; }

 private:
  CLI::App app_;
  ContextOptions shared_;
  std::map<CLI::App*, CommandRun> runs_;  // own the variables the options write to
};

// What a command line throws (CLI11's or the command's), "(no error)" if nothing.
inline std::string error_of(const std::vector<std::string>& args) {
  try {
    run_command_line(args);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace kmx::testing
