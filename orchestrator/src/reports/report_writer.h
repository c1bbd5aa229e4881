// `run --report FORMAT:FILE` and `report RUN --format NAME`: one report
// format rendered into one file when the run ends. Usable offline: feed
// on_finish a run read back with read_run_result().
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report_formats.h"
#include "store/run_writer.h"

namespace kmx {

struct ReportRequest {
  const ReportFormat* format = nullptr;
  std::filesystem::path file;
};

// "junit:reports/junit.xml". Throws std::runtime_error naming the known
// formats when the format is unknown or the file is missing.
ReportRequest parse_report_request(std::string_view spec);

// --report as run, merge and report take it: each spec is FORMAT:FILE, or
// FORMAT[,FORMAT...] for files of the formats' default names in dir. Throws
// std::runtime_error naming the spec, the known formats and the fix.
std::vector<ReportRequest> parse_report_specs(const std::vector<std::string>& specs, const std::filesystem::path& dir);

// --log-base-url: where CI publishes the run's directory, so KCIDB's
// log_url can point at each test's log. "" when not given; else it must be
// an http(s) URL. Throws std::runtime_error with the fix.
std::string checked_log_base_url(const std::string& url);

// One format of a run rendered as it would be written to `file` (links to
// the run's logs are relative to file's directory; "-" stands for the
// current directory). run_dir "" is a run read from history.db: nothing to
// link or read. results_root: where history.db lives, for HTML's changes
// since the previous run; empty for none.
std::string render_report(const ReportFormat& format, const RunResult& run, const std::filesystem::path& run_dir,
                          const std::filesystem::path& results_root, const std::filesystem::path& file,
                          const std::string& log_base_url = "");

class ReportWriter : public RunWriter {
 public:
  // results_root: where history.db lives, so HTML can show the changes
  // since the previous run of the same matrix; empty for none.
  ReportWriter(ReportRequest request, std::filesystem::path run_dir, std::filesystem::path results_root = {},
               std::string log_base_url = "")
      : request_(std::move(request)),
        run_dir_(std::move(run_dir)),
        results_root_(std::move(results_root)),
        log_base_url_(std::move(log_base_url)) {}
  void on_cell(const RunResult&, const CellResult&) override {}
  void on_finish(const RunResult& run) override;

 private:
  ReportRequest request_;
  std::filesystem::path run_dir_;
  std::filesystem::path results_root_;
  std::string log_base_url_;
};

}  // namespace kmx
