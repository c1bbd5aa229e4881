// boundary.html: one self-contained page (no script, nothing fetched) with
// the search's summary, an inline SVG plot of every probe (x the axis
// value, one marker per run coloured by verdict, the boundary a vertical
// line) and the table of probes linking to their run directories.
#pragma once

#include <string>

namespace kmx {

struct BoundaryReport;

std::string render_boundary_html(const BoundaryReport& report);

}  // namespace kmx
