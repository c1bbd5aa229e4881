#include "results/html_test_details.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "results/svg_chart.h"

namespace kmx {
namespace {

// A memory hog can be killed over and over; the first few say enough.
constexpr std::size_t kMaxOomMarkers = 50;

std::string fixed(double value, const char* format) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string kib(long long value) { return std::to_string(value) + " KiB"; }

void write_memory(std::ostringstream& out, const std::string& anchor, const MemoryCurve& curve) {
  if (!curve.samples.empty()) out << memory_chart_svg("memory-" + anchor, curve) << "\n";
  out << "<p class=\"memory\">";
  if (curve.min_available_kib) out << "lowest MemAvailable " << kib(*curve.min_available_kib);
  if (curve.peak_processes)
    out << (curve.min_available_kib ? ", " : "") << "peak " << *curve.peak_processes << " processes";
  out << "; " << curve.samples.size() << " samples";
  if (curve.interval_ms > 0) out << " every " << curve.interval_ms << " ms";
  out << "</p>\n";
}

void write_oom(std::ostringstream& out, const OomKill& kill) {
  out << "<p class=\"oom\">OOM killer took " << escape_markup(kill.victim) << " (pid " << kill.pid << "): total-vm "
      << kib(kill.total_vm_kib) << ", anon-rss " << kib(kill.anon_rss_kib) << ", file-rss " << kib(kill.file_rss_kib)
      << ", shmem-rss " << kib(kill.shmem_rss_kib) << "</p>\n";
}

void write_hang(std::ostringstream& out, const HangDump& hang, const ReportContext& context) {
  out << "<p class=\"hang\">";
  const std::string href = run_file_href(context, hang.dump);
  if (!href.empty()) out << "<a class=\"hang-dump\" href=\"" << escape_markup(href) << "\">task dump</a>";
  if (!hang.first_blocked.empty())
    out << (href.empty() ? "" : "; ") << "first blocked: <code>" << escape_markup(hang.first_blocked) << "</code>";
  out << "</p>\n";
}

}  // namespace

bool has_test_details(const TestResult& test) { return memory_of(test) || oom_of(test) || hang_of(test); }

std::string test_detail_anchor(std::size_t cell_index, std::size_t test_index) {
  return "detail-c" + std::to_string(cell_index) + "-t" + std::to_string(test_index);
}

std::string memory_chart_svg(const std::string& id, const MemoryCurve& curve) {
  LineChart chart;
  chart.id = id;
  chart.caption = "MemAvailable during the test";
  chart.x_label = "seconds";
  chart.y_label = "MiB avail";
  ChartSeries avail{"MemAvailable", {}};
  const MemorySample* lowest = nullptr;
  for (std::size_t i = 0; i < curve.samples.size(); ++i) {
    const auto& s = curve.samples[i];
    avail.points.push_back({s.t, static_cast<double>(s.avail) / 1024.0, ""});
    if (!lowest || s.avail < lowest->avail) lowest = &s;
    if (i > 0 && s.oom_kills > curve.samples[i - 1].oom_kills && chart.markers.size() < kMaxOomMarkers)
      chart.markers.push_back({s.t, "OOM kill by t=" + fixed(s.t, "%.2f") + " s (oom_kill " +
                                        std::to_string(curve.samples[i - 1].oom_kills) + " -> " +
                                        std::to_string(s.oom_kills) + ")"});
  }
  chart.series.push_back(std::move(avail));
  // A series of its own so the curve stays in time order; the dot's tooltip
  // gives the low point in KiB, as the text under the chart does.
  if (lowest)
    chart.series.push_back({"",
                            {{lowest->t, static_cast<double>(lowest->avail) / 1024.0,
                              "lowest: " + kib(lowest->avail) + " at t=" + fixed(lowest->t, "%.2f") + " s"}}});
  return render_svg_chart(chart);
}

void write_test_details(std::ostringstream& out, const RunResult& run, const ReportContext& context) {
  bool heading = false;
  for (std::size_t c = 0; c < run.cells.size(); ++c) {
    const auto& cell = run.cells[c];
    for (std::size_t t = 0; t < cell.tests.size(); ++t) {
      const auto& test = cell.tests[t];
      if (!has_test_details(test)) continue;
      if (!heading) out << "<h2>Tests in detail</h2>\n";
      heading = true;
      const std::string anchor = test_detail_anchor(c, t);
      out << "<div class=\"test-detail\" id=\"" << anchor << "\" data-cell=\"" << escape_markup(cell.cell.id())
          << "\" data-test=\"" << escape_markup(test.test) << "\">\n<h3>" << escape_markup(test.test) << " on "
          << escape_markup(cell.cell.id()) << ": " << to_string(test.verdict) << "</h3>\n";
      if (const auto it = iterations_of(test))
        out << "<p class=\"iterations\">iterations: " << iterations_text(*it) << "</p>\n";
      if (const auto memory = memory_of(test)) write_memory(out, anchor, *memory);
      if (const auto kill = oom_of(test)) write_oom(out, *kill);
      if (const auto hang = hang_of(test)) write_hang(out, *hang, context);
      out << "</div>\n";
    }
  }
}

void write_module_stats_charts(std::ostringstream& out, const RunResult& run) {
  // test id -> "kernel/kmod" -> points; std::map keeps the page stable.
  std::vector<std::string> tests;
  std::map<std::string, std::map<std::string, std::vector<ChartPoint>>> points;
  for (const auto& cell : run.cells)
    for (const auto& test : cell.tests) {
      const auto waste = duplicate_load_waste_of(test);
      if (!waste) continue;
      if (!points.count(test.test)) tests.push_back(test.test);
      std::string note = cell.cell.id() + ": " + std::to_string(waste->failed_loads) + " failed loads, " +
                         std::to_string(waste->wasted_bytes) + " bytes of vmalloc wasted";
      for (const auto& [field, value] : waste->by_field) note += "; " + field + " " + std::to_string(value);
      points[test.test][cell.cell.kernel.name + "/" + cell.cell.kmod.name].push_back(
          {static_cast<double>(cell.cell.vcpus), static_cast<double>(waste->failed_loads), note});
    }
  if (tests.empty()) return;
  out << "<h2>Duplicate-load waste by vCPUs</h2>\n<p class=\"summary\">Loads the kernel started and threw away "
         "during each test (module stats delta of the \"Mods failed on ...\" counters), per cell.</p>\n"
         "<div class=\"modstats-charts\">\n";
  for (const auto& test : tests) {
    LineChart chart;
    chart.id = "modstats-" + test;
    chart.caption = test + ": failed module loads by vCPUs";
    chart.x_label = "vCPUs";
    chart.y_label = "failed loads";
    for (auto& [series, list] : points[test]) {
      std::stable_sort(list.begin(), list.end(), [](const ChartPoint& a, const ChartPoint& b) { return a.x < b.x; });
      chart.series.push_back({series, list});
    }
    out << "<figure class=\"modstats\" data-test=\"" << escape_markup(test) << "\">" << render_svg_chart(chart)
        << "<figcaption>" << escape_markup(test) << "</figcaption></figure>\n";
  }
  out << "</div>\n";
}

}  // namespace kmx
