#include "cli/command.h"

namespace kmx {

// Each defined in its <name>_command.cc.
CommandRun setup_run_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_check_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_cache_command(CLI::App& command, ContextOptions& shared);
CommandRun setup_cleanup_command(CLI::App& command, ContextOptions& shared);

namespace {

constexpr Command kCommands[] = {
    {"run", "boot every cell of a matrix and print the verdict matrix", setup_run_command},
    {"check", "validate a matrix file and list its cells", setup_check_command},
    {"cache", "show the cache's size per kind; with --gc, remove unused entries", setup_cache_command},
    {"cleanup", "destroy domains left by kmod-matrix runs that no longer exist", setup_cleanup_command},
};

}  // namespace

std::span<const Command> commands() { return kCommands; }

}  // namespace kmx
