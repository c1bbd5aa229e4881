// One self-contained HTML page for a run (inline CSS, JS and SVG; nothing
// fetched): the matrix coloured by verdict with the evidence on hover and
// on click, links to each test's log, the run's environment, and when the
// context has a previous run, the changes since it highlighted.
#pragma once

#include <string>

#include "results/report_context.h"

namespace kmx {

std::string render_html(const RunResult& run, const ReportContext& context);

}  // namespace kmx
