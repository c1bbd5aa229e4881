// The commands of kmod-matrix, as a table (name, help, options, function),
// like ninja's kTools[]. A new command is one entry in commands.cc plus its
// own <name>_command.cc; it takes the shared Context, never builds its own
// runner, cache or driver.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <span>

#include "cli/context.h"

namespace kmx {

// What runs a command once the command line is parsed; returns the exit status.
using CommandRun = std::function<int(Context&)>;

struct Command {
  const char* name;
  const char* help;
  // Declares the command's options on its subcommand (binding the shared
  // ones to `shared`) and returns what runs it.
  CommandRun (*setup)(CLI::App& command, ContextOptions& shared);
};

std::span<const Command> commands();

// One setup per command file.
CommandRun setup_run_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_check_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_cache_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_cleanup_command(CLI::App& command, ContextOptions& shared);

}  // namespace kmx
