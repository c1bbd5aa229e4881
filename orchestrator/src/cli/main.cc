// kmod-matrix: boots VMs across a kernel x kmod x vCPU x RAM matrix and
// classifies every kmod test. The commands are in commands.cc; this file
// parses the command line, builds the one Context and maps errors to exit
// statuses (exit_codes.h).
#include <signal.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/version.h"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

// CLI11 would call an unknown command an unexpected argument.
std::string unknown_command(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return "";
  for (const auto& command : kmx::commands())
    if (std::string_view(argv[1]) == command.name) return "";
  std::string known;
  for (const auto& command : kmx::commands()) known += (known.empty() ? "" : ", ") + std::string(command.name);
  return "unknown command '" + std::string(argv[1]) + "'\n  fix: use one of: " + known + " (kmod-matrix --help)";
}

}  // namespace

int main(int argc, char** argv) {
  // Logs go to stderr: stdout carries only the matrix and the results path.
  spdlog::set_default_logger(spdlog::stderr_color_mt("kmod-matrix"));
  spdlog::set_pattern("%H:%M:%S.%e %^%l%$ %v");

  CLI::App app{"kmod-matrix: regression tests for the Linux module loader across a VM matrix"};
  app.set_help_flag();
  app.set_help_all_flag("-h,--help", "print this help (every command with its options) and exit");
  app.set_version_flag("--version", std::string("kmod-matrix ") + kmx::kVersion);
  app.footer(kmx::kExitCodesHelp);
  app.require_subcommand(1);
  kmx::ContextOptions shared;
  const std::map<CLI::App*, kmx::CommandRun> runs = kmx::add_commands(app, shared);

  if (std::string problem = unknown_command(argc, argv); !problem.empty()) {
    std::cerr << "kmod-matrix: " << problem << "\n";
    return kmx::kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kmx::kExitOk : kmx::bad_input_status(argc, argv);
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  try {
    kmx::Context ctx(shared, g_stop);
    for (const auto& [sub, run] : runs)
      if (sub->parsed()) return run(ctx);
  } catch (const std::exception& e) {
    // Matrix errors, unknown kernels and unusable hosts alike: bad input.
    std::cerr << "kmod-matrix: " << e.what() << "\n";
    return kmx::bad_input_status(argc, argv);
  }
  return kmx::kExitOk;
}
