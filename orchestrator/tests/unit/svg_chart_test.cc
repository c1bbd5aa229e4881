// results/svg_chart: the inline SVG line chart, its scaling and escaping.
#include "reports/svg_chart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace kmx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

LineChart two_points() {
  LineChart chart;
  chart.id = "memory-c0-t1";
  chart.caption = "MemAvailable";
  chart.x_label = "seconds";
  chart.y_label = "MiB";
  chart.series.push_back({"avail", {{0, 100, ""}, {10, 50, "low point"}}});
  return chart;
}

TEST(SvgChart, PointsAreScaledIntoThePlotWithYFromZero) {
  const std::string svg = render_svg_chart(two_points());
  EXPECT_TRUE(svg.starts_with("<svg class=\"chart\" id=\"memory-c0-t1\" width=\"360\" height=\"140.0\""));
  // x 0..10 onto 58..350, y 0..100 onto 110..10.
  EXPECT_THAT(svg, HasSubstr("<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"58.0,10.0 "
                             "350.0,60.0\"/>"));
  EXPECT_THAT(svg, HasSubstr("<circle cx=\"350.0\" cy=\"60.0\" r=\"3\" fill=\"#1565c0\"><title>low point</title>"));
  EXPECT_THAT(svg, Not(HasSubstr("cx=\"58.0\"")));  // no note, no dot
  EXPECT_TRUE(svg.ends_with("</svg>"));
}

TEST(SvgChart, MarkersAreDashedLinesWithTheirNote) {
  LineChart chart = two_points();
  chart.markers.push_back({5, "OOM kill"});
  EXPECT_THAT(render_svg_chart(chart), HasSubstr("<line class=\"marker\" x1=\"204.0\" y1=\"10\" x2=\"204.0\""));
  EXPECT_THAT(render_svg_chart(chart), HasSubstr("<title>OOM kill</title></line>"));
}

TEST(SvgChart, LegendOnlyWithSeveralSeries) {
  EXPECT_THAT(render_svg_chart(two_points()), Not(HasSubstr("class=\"legend\"")));
  LineChart chart = two_points();
  chart.series.push_back({"debian-6.12/kmod-30", {{1, 3, "x"}}});
  const std::string svg = render_svg_chart(chart);
  EXPECT_THAT(svg, HasSubstr("height=\"168.0\""));
  EXPECT_THAT(svg, HasSubstr(">debian-6.12/kmod-30</text>"));
  chart.series.push_back({"", {{2, 4, "a highlighted point"}}});
  EXPECT_THAT(render_svg_chart(chart), HasSubstr("height=\"168.0\"")) << "an unnamed series has no legend row";
  chart.series.erase(chart.series.begin() + 1);
  EXPECT_THAT(render_svg_chart(chart), Not(HasSubstr("class=\"legend\"")));
}

TEST(SvgChart, TextIsEscapedAndTheIdIsMadeSafe) {
  LineChart chart = two_points();
  chart.id = "x\" onload=\"alert(1)";
  chart.caption = "<script>alert(1)</script>";
  chart.series[0].points[1].note = "</title><script>";
  chart.series.push_back({"a&b", {}});
  const std::string svg = render_svg_chart(chart);
  EXPECT_THAT(svg, HasSubstr("id=\"x--onload--alert-1-\""));
  EXPECT_THAT(svg, Not(HasSubstr("<script>")));
  EXPECT_THAT(svg, HasSubstr("&lt;/title&gt;&lt;script&gt;"));
  EXPECT_THAT(svg, HasSubstr("a&amp;b"));
}

TEST(SvgChart, NonFiniteValuesAndEmptyChartsStillRender) {
  LineChart chart = two_points();
  chart.series[0].points.push_back({std::nan(""), 1, "nan"});
  chart.series[0].points.push_back({1, std::numeric_limits<double>::infinity(), "inf"});
  chart.markers.push_back({std::nan(""), "nowhere"});
  const std::string svg = render_svg_chart(chart);
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
  EXPECT_THAT(svg, Not(HasSubstr("inf")));
  const std::string empty = render_svg_chart(LineChart{});
  EXPECT_THAT(empty, HasSubstr("class=\"axes\""));
  EXPECT_THAT(empty, Not(HasSubstr("<polyline"))) << "no series, no line";
}

TEST(SvgChart, OnePointStillHasARange) {
  LineChart chart;
  chart.series.push_back({"one", {{2, 0, "only"}}});
  const std::string svg = render_svg_chart(chart);
  EXPECT_THAT(svg, HasSubstr("cx=\"204.0\" cy=\"110.0\""));  // centred, on the x axis
}

}  // namespace
}  // namespace kmx
