// report RUN --format NAME [-o FILE|-]: a report of a finished run, the same
// renderer `run --report` uses. RUN is a run id or directory, or a run only
// history.db still holds (imported, or its directory gone): then its logs
// are not linked.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "os/files.h"
#include "reports/report_writer.h"
#include "store/results_json.h"
#include "store/run_lookup.h"

namespace kmx {
namespace {

struct ReportArgs {
  std::string run;
  std::string format;  // FORMAT[,FORMAT...]
  std::string output;  // empty: <run dir>/<format's file name>; "-": stdout
  std::string results = "results";
  std::string log_base_url;
};

int report_command(const ReportArgs& args) {
  const std::string log_base_url = checked_log_base_url(args.log_base_url);
  try {  // a mistyped format is said before the run is looked for
    parse_report_specs({args.format}, ".");
  } catch (const std::runtime_error& e) {
    std::cerr << "kmod-matrix: " << e.what() << "\n";
    return kExitBadInput;
  }
  const FoundRun found = load_run(args.results, args.run);
  // The formats as run and merge take them, into the run's directory.
  const std::vector<ReportRequest> requests = parse_report_specs({args.format}, found.dir);
  if (!args.output.empty() && requests.size() > 1) {
    std::cerr << "kmod-matrix: -o names one file, --format " << args.format << " names " << requests.size()
              << " reports\n  fix: one format with -o, or drop -o to write each into the run's directory\n";
    return kExitBadInput;
  }
  if (args.output == "-") {
    std::cout << render_report(*requests.front().format, found.run, found.dir, args.results, "-", log_base_url);
    return kExitOk;
  }
  if (args.output.empty() && found.dir.empty()) {
    std::cerr << "kmod-matrix: run " << args.run << " has no directory under " << args.results
              << " (history.db holds it): say where the report goes\n  fix: -o FILE, or -o - for stdout\n";
    return kExitBadInput;
  }
  for (const auto& request : requests) {
    const std::filesystem::path file = args.output.empty() ? request.file : std::filesystem::path(args.output);
    if (const auto parent = file.parent_path(); !parent.empty() && !std::filesystem::is_directory(parent)) {
      std::cerr << "kmod-matrix: -o " << args.output << ": directory " << parent.string()
                << " does not exist\n  fix: mkdir -p " << parent.string() << ", or -o - for stdout\n";
      return kExitBadInput;
    }
    write_file_atomically(file, render_report(*request.format, found.run, found.dir, args.results, file, log_base_url));
    std::cout << file.string() << "\n";
  }
  return kExitOk;
}

}  // namespace

CommandRun setup_report_command(CLI::App& command, ContextOptions&) {
  auto args = std::make_shared<ReportArgs>();
  command.add_option("run", args->run, "run id under --results (or only in its history.db), or a run directory")
      ->required();
  command.add_option("--format", args->format, "FORMAT[,FORMAT...], each one of " + report_format_names())->required();
  command.add_option("-o,--output", args->output,
                     "output file, - for stdout (default: in the run directory); its directory must exist");
  command.add_option("--results", args->results, "directory holding the runs and history.db")->capture_default_str();
  command.add_option("--log-base-url", args->log_base_url,
                     "the URL where CI publishes the run's directory: KCIDB's log_url of each test");
  return [args](Context&) { return report_command(*args); };
}

}  // namespace kmx
