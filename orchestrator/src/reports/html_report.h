// One self-contained HTML page for a run (inline CSS, JS and SVG; nothing
// fetched, nothing hidden without the script): the matrix coloured by
// verdict (scrolling sideways with its first column fixed), each test's
// log and each boot's console.log and agent.log linked, the evidence of
// every failure and unexpected verdict under "Tests in detail" (and on
// hover and click), the run's environment, and when the context has a
// previous run, the changes since it highlighted.
#pragma once

#include <set>
#include <string>

#include "reports/report_context.h"

namespace kmx {

std::string render_html(const RunResult& run, const ReportContext& context);

// Every file of the run directory render_html may link, as results.json
// names them (test logs, boot console.log and agent.log, hang dumps), those
// that are plain paths in the run: what the site copies beside a report.
std::set<std::string> html_linked_files(const RunResult& run);

}  // namespace kmx
