#include "boundary/boundary_html.h"

#include <fmt/format.h>
#include <algorithm>
#include <vector>

#include "boundary/boundary_report.h"
#include "text/text_escape.h"

namespace kmx {
namespace {

constexpr int kWidth = 760;
constexpr int kHeight = 220;
constexpr int kLeft = 50;
constexpr int kRight = 30;
constexpr int kBaseline = 170;  // y of the first run's markers; repeats stack upwards
constexpr int kStackGap = 14;

constexpr const char* kStyle = R"css(
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; } .summary { font-size: 1.1em; font-weight: 600; }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
.v-PASS { fill: #2e7d32; color: #2e7d32; } .v-FAIL { fill: #c62828; color: #c62828; }
.v-OOM { fill: #ef6c00; color: #ef6c00; } .v-PANIC { fill: #6a1b9a; color: #6a1b9a; }
.v-TIMEOUT, .v-HANG { fill: #795548; color: #795548; } .v-SKIP { fill: #9e9e9e; color: #9e9e9e; }
.v-ERROR { fill: #212121; color: #212121; } .v-FLAKY { fill: #f9a825; color: #f9a825; }
svg text { font-size: 12px; fill: #222; } .axis { stroke: #444; } .boundary { stroke: #1565c0; stroke-dasharray: 6 3; }
)css";

// x of a value on the plot; a one-value range sits in the middle.
double x_of(const AxisRange& range, int value) {
  const double span = range.high - range.low;
  const double width = kWidth - kLeft - kRight;
  return span == 0 ? kLeft + width / 2 : kLeft + (value - range.low) / span * width;
}

std::string plot(const BoundaryReport& report) {
  const AxisRange& range = report.plan.range;
  const BoundaryResult& r = report.result;
  std::string svg = fmt::format(
      "<svg id=\"boundary-plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\">\n",
      kWidth, kHeight, kWidth, kHeight);
  svg += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", kLeft, kBaseline + 12,
                     kWidth - kRight, kBaseline + 12);
  for (int value : grid_of(range)) {
    const double x = x_of(range, value);
    svg += fmt::format("<line class=\"axis\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/>\n", x, kBaseline + 12, x,
                       kBaseline + 16);
  }
  std::vector<int> labelled = {range.low, range.high};
  if (r.first_good && *r.first_good != range.low && *r.first_good != range.high) labelled.push_back(*r.first_good);
  for (int value : labelled)
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x_of(range, value),
                       kBaseline + 30, value);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} ({})</text>\n", kWidth / 2, kBaseline + 46,
                     to_string(report.plan.axis), unit_of(report.plan.axis));
  if (r.first_good) {
    // A stable edge lies in the gap between its neighbours; a flaky one's
    // answer is the first value that was good every time.
    const double x = r.last_bad && !r.flaky ? (x_of(range, *r.last_bad) + x_of(range, *r.first_good)) / 2
                                            : x_of(range, *r.first_good);
    svg += fmt::format(
        "<line class=\"boundary\" id=\"boundary-line\" data-first-good=\"{}\" x1=\"{:.1f}\" y1=\"10\" x2=\"{:.1f}\" "
        "y2=\"{}\"/>\n<text x=\"{:.1f}\" y=\"12\" text-anchor=\"start\">&#160;from {} {}</text>\n",
        *r.first_good, x, x, kBaseline + 12, x, *r.first_good, unit_of(report.plan.axis));
  }
  for (const auto& p : r.probes) {
    const std::string verdict(to_string(p.run.verdict));
    const int y = std::max(20, kBaseline - (p.repeat - 1) * kStackGap);
    svg += fmt::format(
        "<circle class=\"probe v-{}\" data-value=\"{}\" data-repeat=\"{}\" data-verdict=\"{}\" cx=\"{:.1f}\" "
        "cy=\"{}\" r=\"5\"><title>{} {}, run {}: {} ({:.1f} s) {}</title></circle>\n",
        verdict, p.value, p.repeat, verdict, x_of(range, p.value), y, p.value, unit_of(report.plan.axis), p.repeat,
        verdict, p.run.duration_s, escape_markup(shorten(p.run.evidence, 200)));
  }
  return svg + "</svg>\n";
}

std::string probe_table(const BoundaryReport& report) {
  std::string rows;
  for (const auto& p : report.result.probes) {
    const std::string verdict(to_string(p.run.verdict));
    rows += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"v-{}\">{}</td><td>{:.1f}</td><td>{}</td><td><a href=\"{}/\">{}</a>"
        "</td></tr>\n",
        p.value, p.repeat, verdict, verdict, p.run.duration_s, escape_markup(shorten(p.run.evidence, 300)),
        escape_markup(p.run.run_dir), escape_markup(p.run.run_dir));
  }
  return "<table id=\"probes\">\n<tr><th>" + escape_markup(std::string(to_string(report.plan.axis))) +
         "</th><th>run</th><th>verdict</th><th>s</th><th>evidence</th><th>run directory</th></tr>\n" + rows +
         "</table>\n";
}

}  // namespace

std::string render_boundary_html(const BoundaryReport& report) {
  std::string bad;
  for (Verdict v : report.result.bad) bad += (bad.empty() ? "" : ", ") + std::string(to_string(v));
  const AxisRange& range = report.plan.range;
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>boundary " +
                     escape_markup(report.test) + " " + escape_markup(report.boundary_id) + "</title><style>" + kStyle +
                     "</style></head>\n<body>\n<h1>Boundary of " + escape_markup(report.test) + " over " +
                     std::string(to_string(report.plan.axis)) + "</h1>\n<p class=\"summary\" id=\"summary\">" +
                     escape_markup(render_boundary_summary(report)) + "</p>\n";
  page += fmt::format(
      "<table class=\"facts\"><tr><th>matrix</th><td>{}</td></tr><tr><th>kernel / kmod</th><td>{} / {}</td></tr>"
      "<tr><th>range</th><td>{}..{} step {} {}</td></tr><tr><th>bad verdicts</th><td>{}{}</td></tr>"
      "<tr><th>runs per edge</th><td>{}</td></tr><tr><th>status</th><td>{}</td></tr>"
      "<tr><th>kmod-matrix</th><td>{}</td></tr></table>\n",
      escape_markup(report.matrix_name), escape_markup(report.kernel), escape_markup(report.kmod), range.low,
      range.high, range.step, unit_of(report.plan.axis), escape_markup(bad),
      report.bad_given ? "" : " (the verdict at the low end)", report.plan.repeats, to_string(report.result.status),
      escape_markup(report.tool_version));
  return page + plot(report) + probe_table(report) + "</body></html>\n";
}

}  // namespace kmx
