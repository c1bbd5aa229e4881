// The report formats by name: `report RUN --format NAME` and
// `run --report NAME:FILE` need one lookup and one call.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/report_context.h"

namespace kmx {

using ReportRenderer = std::string (*)(const RunResult& run, const ReportContext& context);

struct ReportFormat {
  std::string_view name;         // "junit", "ktap", "kcidb", "html"
  std::string_view file_name;    // default output name in the run directory
  std::string_view description;  // one line for --help
  ReportRenderer render;
  // Whether it shows the changes since the previous run of the matrix,
  // which only history.db finds: other formats never open it.
  bool reads_previous_run = false;
};

// Every format, in the order --help lists them.
const std::vector<ReportFormat>& report_formats();

// nullptr when unknown; report_format_names() says what would have worked.
const ReportFormat* find_report_format(std::string_view name);
std::string report_format_names();  // "junit, ktap, kcidb, html"

}  // namespace kmx
