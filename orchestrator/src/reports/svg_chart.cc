#include "reports/svg_chart.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "reports/report_context.h"

namespace kmx {
namespace {

constexpr const char* kSeriesColours[] = {"#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037"};
constexpr double kLeft = 58, kRight = 10, kTop = 10, kBottom = 30, kLegendRow = 14;

struct Range {
  double low = 0, high = 1;
  double span() const { return high - low; }
};

std::string number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", value);
  return buf;
}

// Axis labels: whole numbers without a fraction, others to three digits.
std::string label(double value) {
  char buf[32];
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", value);
  else
    std::snprintf(buf, sizeof buf, "%.3g", value);
  return buf;
}

bool usable(const ChartPoint& p) { return std::isfinite(p.x) && std::isfinite(p.y); }

// The x range covers points and markers; y starts at zero so a drop reads
// as a drop, not as noise magnified to the whole height.
void ranges_of(const LineChart& chart, Range& x, Range& y) {
  bool any_x = false;
  double y_high = 0, y_low = 0;
  const auto take_x = [&](double v) {
    x.low = any_x ? std::min(x.low, v) : v;
    x.high = any_x ? std::max(x.high, v) : v;
    any_x = true;
  };
  for (const auto& s : chart.series)
    for (const auto& p : s.points)
      if (usable(p)) {
        take_x(p.x);
        y_high = std::max(y_high, p.y);
        y_low = std::min(y_low, p.y);
      }
  for (const auto& m : chart.markers)
    if (std::isfinite(m.x)) take_x(m.x);
  if (!any_x) x = {0, 1};
  if (x.span() <= 0) x = {x.low - 1, x.high + 1};
  y = {y_low, y_high > y_low ? y_high : y_low + 1};
}

}  // namespace

std::string html_id(const std::string& text) {
  std::string id;
  for (char c : text) id += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '-';
  return shorten(id, 200);
}

std::string render_svg_chart(const LineChart& chart) {
  Range x, y;
  ranges_of(chart, x, y);
  const auto named = static_cast<std::size_t>(
      std::count_if(chart.series.begin(), chart.series.end(), [](const ChartSeries& s) { return !s.name.empty(); }));
  const bool legend = named > 1;
  const double plot_w = std::max(40.0, chart.width - kLeft - kRight);
  const double plot_h = std::max(30.0, chart.height - kTop - kBottom);
  const double total_h = chart.height + (legend ? kLegendRow * static_cast<double>(named) : 0);
  const auto px = [&](double v) { return kLeft + (v - x.low) / x.span() * plot_w; };
  const auto py = [&](double v) { return kTop + plot_h - (v - y.low) / y.span() * plot_h; };

  std::ostringstream out;
  out << "<svg class=\"chart\" id=\"" << html_id(chart.id) << "\" width=\"" << chart.width << "\" height=\""
      << number(total_h) << "\" viewBox=\"0 0 " << chart.width << " " << number(total_h)
      << "\" role=\"img\" aria-label=\"" << escape_markup(chart.caption) << "\">";
  out << "<title>" << escape_markup(chart.caption) << "</title>";
  // Axes, with the ends of each range written at the ends of the axis.
  const double bottom = kTop + plot_h;
  out << "<g class=\"axes\" stroke=\"#777\" fill=\"none\"><line x1=\"" << kLeft << "\" y1=\"" << kTop << "\" x2=\""
      << kLeft << "\" y2=\"" << number(bottom) << "\"/><line x1=\"" << kLeft << "\" y1=\"" << number(bottom)
      << "\" x2=\"" << number(kLeft + plot_w) << "\" y2=\"" << number(bottom) << "\"/></g>";
  out << "<g class=\"labels\" font-size=\"10\" fill=\"#444\">";
  out << "<text x=\"" << kLeft - 4 << "\" y=\"" << kTop + 8 << "\" text-anchor=\"end\">" << label(y.high) << "</text>";
  out << "<text x=\"" << kLeft - 4 << "\" y=\"" << number(bottom) << "\" text-anchor=\"end\">" << label(y.low)
      << "</text>";
  out << "<text x=\"" << kLeft << "\" y=\"" << number(bottom + 12) << "\">" << label(x.low) << "</text>";
  out << "<text x=\"" << number(kLeft + plot_w) << "\" y=\"" << number(bottom + 12) << "\" text-anchor=\"end\">"
      << label(x.high) << "</text>";
  out << "<text x=\"" << number(kLeft + plot_w / 2) << "\" y=\"" << number(bottom + 24) << "\" text-anchor=\"middle\">"
      << escape_markup(chart.x_label) << "</text>";
  out << "<text x=\"4\" y=\"" << number(kTop + plot_h / 2) << "\" transform=\"rotate(-90 10 "
      << number(kTop + plot_h / 2) << ")\" text-anchor=\"middle\">" << escape_markup(chart.y_label) << "</text></g>";
  for (const auto& m : chart.markers) {
    if (!std::isfinite(m.x)) continue;
    out << "<line class=\"marker\" x1=\"" << number(px(m.x)) << "\" y1=\"" << kTop << "\" x2=\"" << number(px(m.x))
        << "\" y2=\"" << number(bottom) << "\" stroke=\"#c62828\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"><title>"
        << escape_markup(m.note) << "</title></line>";
  }
  std::size_t legend_row = 0;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const auto& s = chart.series[i];
    const char* colour = kSeriesColours[i % std::size(kSeriesColours)];
    out << "<g class=\"series\" data-series=\"" << escape_markup(s.name) << "\">";
    out << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"1.5\" points=\"";
    bool first = true;
    for (const auto& p : s.points)
      if (usable(p)) {
        out << (first ? "" : " ") << number(px(p.x)) << "," << number(py(p.y));
        first = false;
      }
    out << "\"/>";
    for (const auto& p : s.points)
      if (usable(p) && !p.note.empty())
        out << "<circle cx=\"" << number(px(p.x)) << "\" cy=\"" << number(py(p.y)) << "\" r=\"3\" fill=\"" << colour
            << "\"><title>" << escape_markup(p.note) << "</title></circle>";
    out << "</g>";
    if (legend && !s.name.empty()) {
      const double row = chart.height + kLegendRow * static_cast<double>(legend_row++) + 4;
      out << "<g class=\"legend\" font-size=\"10\"><rect x=\"" << kLeft << "\" y=\"" << number(row) << "\" width=\"10\""
          << " height=\"3\" fill=\"" << colour << "\"/><text x=\"" << kLeft + 14 << "\" y=\"" << number(row + 5)
          << "\" fill=\"#333\">" << escape_markup(shorten(s.name, 80)) << "</text></g>";
    }
  }
  out << "</svg>";
  return out.str();
}

}  // namespace kmx
