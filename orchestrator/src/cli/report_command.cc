// report RUN --format NAME [-o FILE]: a report of a finished run, the same
// renderer `run --report` uses.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "results/report_writer.h"
#include "results/results_json.h"
#include "results/run_lookup.h"

namespace kmx {
namespace {

struct ReportArgs {
  std::string run;
  std::string format;
  std::string output;  // empty: <run dir>/<format's file name>
  std::string results = "results";
};

int report_command(const ReportArgs& args) {
  const ReportFormat* format = find_report_format(args.format);
  if (format == nullptr) {
    std::cerr << "kmod-matrix: unknown report format '" << args.format << "'\n  fix: --format one of "
              << report_format_names() << "\n";
    return kExitBadInput;
  }
  const std::filesystem::path run_dir = find_run_dir(args.results, args.run);
  const RunResult run = read_run_result(run_dir);
  const std::filesystem::path file =
      args.output.empty() ? run_dir / format->file_name : std::filesystem::path(args.output);
  ReportWriter(ReportRequest{format, file}, run_dir, args.results).on_finish(run);
  std::cout << file.string() << "\n";
  return kExitOk;
}

}  // namespace

CommandRun setup_report_command(CLI::App& command, ContextOptions&) {
  auto args = std::make_shared<ReportArgs>();
  command.add_option("run", args->run, "run id under --results, or a run directory")->required();
  command.add_option("--format", args->format, "one of " + report_format_names())->required();
  command.add_option("-o,--output", args->output, "output file (default: in the run directory)");
  command.add_option("--results", args->results, "directory holding the runs and history.db")->capture_default_str();
  return [args](Context&) { return report_command(*args); };
}

}  // namespace kmx
