// Runs one kmod-matrix command line in-process, as main.cc would: every
// command set up from the table, `args` parsed, the chosen one run.
#pragma once

#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "cli/command.h"

namespace kmx::testing {

inline int run_command_line(std::vector<std::string> args, ContextOptions shared = {}) {
  CLI::App app;
  std::map<CLI::App*, CommandRun> runs;
  for (const auto& c : commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    runs[sub] = c.setup(*sub, shared);
  }
  std::reverse(args.begin(), args.end());  // CLI11 parses a vector back to front
  app.parse(args);
  std::atomic<bool> stop{false};
  Context ctx(shared, stop);
  for (const auto& [sub, run] : runs)
    if (sub->parsed()) return run(ctx);
  return -1;
}

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
