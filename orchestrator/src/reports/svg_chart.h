// A small line chart as inline SVG: the HTML report draws memory curves and
// module-stats deltas with it, no chart library and no script. Every text
// (series names, notes) is escaped; the caller bounds the number of points.
#pragma once

#include <string>
#include <vector>

namespace kmx {

struct ChartPoint {
  double x = 0;
  double y = 0;
  std::string note;  // the point's tooltip; "" draws no dot
};

struct ChartSeries {
  std::string name;                // "" keeps it out of the legend (a highlight, not data)
  std::vector<ChartPoint> points;  // drawn in this order
};

// A vertical line across the plot, e.g. where the OOM killer struck.
struct ChartMarker {
  double x = 0;
  std::string note;
};

struct LineChart {
  std::string id;       // the <svg> element's id (made safe here)
  std::string caption;  // aria-label and <title>
  std::string x_label;  // e.g. "s", "vCPUs"
  std::string y_label;  // e.g. "MemAvailable MiB"
  std::vector<ChartSeries> series;
  std::vector<ChartMarker> markers;
  int width = 360;
  int height = 140;
};

// <svg class="chart" ...>: axes with their ranges, a polyline and dots per
// series, dashed markers, and a legend when more than one series has a name.
// Non-finite coordinates are skipped; an empty chart still renders its axes.
std::string render_svg_chart(const LineChart& chart);

// [A-Za-z0-9_-] only: guest-derived text made safe as an element id.
std::string html_id(const std::string& text);

}  // namespace kmx
