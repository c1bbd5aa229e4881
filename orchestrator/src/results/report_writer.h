// `run --report FORMAT:FILE` and `report RUN --format NAME`: one report
// format rendered into one file when the run ends. Usable offline: feed
// on_finish a run read back with read_run_result().
#pragma once

#include <filesystem>
#include <string_view>

#include "results/report_formats.h"
#include "results/run_writer.h"

namespace kmx {

struct ReportRequest {
  const ReportFormat* format = nullptr;
  std::filesystem::path file;
};

// "junit:reports/junit.xml". Throws std::runtime_error naming the known
// formats when the format is unknown or the file is missing.
ReportRequest parse_report_request(std::string_view spec);

// One format of a run rendered as it would be written to `file` (links to
// the run's logs are relative to file's directory; "-" stands for the
// current directory). run_dir "" is a run read from history.db: nothing to
// link or read. results_root: where history.db lives, for HTML's changes
// since the previous run; empty for none.
std::string render_report(const ReportFormat& format, const RunResult& run, const std::filesystem::path& run_dir,
                          const std::filesystem::path& results_root, const std::filesystem::path& file);

class ReportWriter : public RunWriter {
 public:
  // results_root: where history.db lives, so HTML can show the changes
  // since the previous run of the same matrix; empty for none.
  ReportWriter(ReportRequest request, std::filesystem::path run_dir, std::filesystem::path results_root = {})
      : request_(std::move(request)), run_dir_(std::move(run_dir)), results_root_(std::move(results_root)) {}
  void on_cell(const RunResult&, const CellResult&) override {}
  void on_finish(const RunResult& run) override;

 private:
  ReportRequest request_;
  std::filesystem::path run_dir_;
  std::filesystem::path results_root_;
};

}  // namespace kmx
