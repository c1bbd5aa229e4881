// The commands of kmod-matrix, as a table (name, help, options, function),
// like ninja's kTools[]. A new command is its own <name>_command.cc
// (defining setup_<name>_command) plus its declaration and entry in
// commands.cc; it takes the shared Context, never builds its own runner,
// cache or driver.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <span>

#include "cli/context.h"
#include "cli/exit_codes.h"

namespace kmx {

// What runs a command once the command line is parsed; returns the exit status.
using CommandRun = std::function<int(Context&)>;

struct Command {
  const char* name;
  const char* help;
  // Declares the command's options on its subcommand (binding the shared
  // ones to `shared`) and returns what runs it.
  CommandRun (*setup)(CLI::App& command, ContextOptions& shared);
  // Its exit statuses, as its --help ends.
  const char* exit_codes;
  // The status for a command line it cannot parse (bisect-step: one that
  // stops git bisect run).
  int bad_input_status = kExitBadInput;
};

// The bad-input status of the command argv names, kExitBadInput for none.
int bad_input_status(int argc, char** argv);

std::span<const Command> commands();

// Every command of the table as a subcommand of app (its options, its help
// ending with its own note, if any, and its exit statuses); what runs each.
// main, the man page and the tests build the app this one way.
std::map<CLI::App*, CommandRun> add_commands(CLI::App& app, ContextOptions& shared);

}  // namespace kmx
