// site --results DIR -o DIR [--matrix NAME] [--last N]: a static site over
// history.db for one matrix's last nights (reports/site_writer.h): the grid
// of every test in every cell night by night, each night's report and logs.
// Carry the -o directory from night to night and run it again.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "reports/report_context.h"
#include "reports/site_writer.h"
#include "store/history_store.h"

namespace kmx {
namespace {

// Enough to see what happened; the rest is counted.
constexpr std::size_t kLeftOutShown = 20;

int site_command(const SiteOptions& options) {
  SiteSummary summary;
  try {
    summary = write_site(options);
  } catch (const SiteError& e) {
    std::cerr << "kmod-matrix: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const HistoryError& e) {
    std::cerr << "kmod-matrix: " << e.what() << "\n";
    return kExitBadInput;
  }
  for (std::size_t i = 0; i < summary.left_out.size() && i < kLeftOutShown; ++i)
    std::cerr << "site: left out " << summary.left_out[i] << "\n";
  if (summary.left_out.size() > kLeftOutShown)
    std::cerr << "site: and " << summary.left_out.size() - kLeftOutShown << " more left out\n";
  std::cout << (options.site_dir / "index.html").string() << ": matrix " << one_line_text(summary.matrix, 100) << ", "
            << summary.nights << (summary.nights == 1 ? " night" : " nights")
            << "; reports: " << summary.reports_written << " with logs, " << summary.reports_from_history
            << " from history.db, " << summary.reports_kept << " kept from the last site; " << summary.nights_removed
            << " older nights removed\n";
  return kExitOk;
}

}  // namespace

CommandRun setup_site_command(CLI::App& command, ContextOptions&) {
  struct SiteArgs {
    std::string results = "results";
    std::string output;
    SiteOptions options;
  };
  auto args = std::make_shared<SiteArgs>();
  command.add_option("--results", args->results, "directory holding history.db and the runs")->capture_default_str();
  command
      .add_option("-o,--output", args->output, "the site's directory (made when missing; carry it from night to night)")
      ->required();
  command.add_option("--matrix", args->options.matrix, "the matrix to show (default: the one run most recently)");
  command.add_option("--last", args->options.last_nights, "how many nights the grid shows")->capture_default_str();
  return [args](Context&) {
    args->options.results_root = args->results;
    args->options.site_dir = args->output;
    return site_command(args->options);
  };
}

}  // namespace kmx
