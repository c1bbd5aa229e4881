#include "reports/report_formats.h"

#include "reports/html_report.h"
#include "reports/junit_report.h"
#include "reports/kcidb_report.h"
#include "reports/ktap_report.h"

namespace kmx {

const std::vector<ReportFormat>& report_formats() {
  static const std::vector<ReportFormat> formats = {
      {"junit", "junit.xml", "JUnit XML for Jenkins and GitLab: a testsuite per cell", render_junit},
      {"ktap", "results.ktap", "KTAP version 1: a subtest per cell", render_ktap},
      {"kcidb", "kcidb.json", "KCIDB v5 JSON: checkouts, builds and tests", render_kcidb},
      {"html", "report.html", "one self-contained HTML page: matrix, evidence, logs, changes", render_html, true},
  };
  return formats;
}

const ReportFormat* find_report_format(std::string_view name) {
  for (const auto& format : report_formats())
    if (format.name == name) return &format;
  return nullptr;
}

std::string report_format_names() {
  std::string names;
  for (const auto& format : report_formats()) names += (names.empty() ? "" : ", ") + std::string(format.name);
  return names;
}

}  // namespace kmx
