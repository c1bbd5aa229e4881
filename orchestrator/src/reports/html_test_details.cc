#include "reports/html_test_details.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>
#include <vector>

#include "reports/svg_chart.h"

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
  out << "<p class=\"oom\">OOM killer took " << escape_markup(kill.victim) << " (pid " << kill.pid.value_or(0)
      << "): total-vm " << kib(kill.total_vm_kib.value_or(0)) << ", anon-rss " << kib(kill.anon_rss_kib.value_or(0))
      << ", file-rss " << kib(kill.file_rss_kib.value_or(0)) << ", shmem-rss " << kib(kill.shmem_rss_kib.value_or(0))
      << "</p>\n";
}

void write_hang(std::ostringstream& out, const HangDump& hang, const ReportContext& context) {
  out << "<p class=\"hang\">";
  const std::string href = run_file_href(context, hang.dump);
  if (!href.empty()) out << "<a class=\"hang-dump\" href=\"" << escape_markup(href) << "\">task dump</a>";
  if (!hang.first_blocked.empty())
    out << (href.empty() ? "" : "; ") << "first blocked: <code>" << escape_markup(hang.first_blocked) << "</code>";
  out << "</p>\n";
}

// Unexpected verdicts first, then expected failures, then the rest.
enum class DetailGroup { kUnexpected = 0, kFailing = 1, kPassing = 2 };

DetailGroup group_of(const TestResult& test) {
  if (!test.as_expected) return DetailGroup::kUnexpected;
  if (test.verdict != Verdict::kPass && test.verdict != Verdict::kSkip) return DetailGroup::kFailing;
  return DetailGroup::kPassing;
}

std::string expected_text(const TestResult& test) {
  std::string text;
  for (const Verdict v : test.expected) text += (text.empty() ? "" : " or ") + std::string(to_string(v));
  return text.empty() ? "nothing" : text;
}

// The verdict, what was expected, the evidence and the logs: what the
// matrix shows on hover, here for every reader.
void write_evidence(std::ostringstream& out, const CellResult& cell, const TestResult& test,
                    const ReportContext& context) {
  out << "<p class=\"evidence\">" << to_string(test.verdict) << " in " << fixed(test.duration_s, "%.1f") << " s";
  if (!test.as_expected) out << ", expected " << expected_text(test);
  if (!test.expected_reason.empty()) out << " (" << escape_markup(shorten(test.expected_reason, 500)) << ")";
  if (!test.evidence.empty()) out << ": <code>" << escape_markup(shorten(test.evidence, 4000)) << "</code>";
  out << "</p>\n";
  std::string links;
  if (const std::string href = log_href(context, test); !href.empty())
    links = "<a class=\"test-log\" href=\"" + escape_markup(href) + "\">test log</a>";
  for (const auto& boot : cell.boots)
    if (boot.index == test.boot)
      if (const std::string boot_links = boot_log_links(boot, context); !boot_links.empty())
        links += (links.empty() ? "" : "; ") + std::string("boot ") + std::to_string(boot.index) + ": " + boot_links;
  if (!links.empty()) out << "<p class=\"logs\">" << links << "</p>\n";
}

void write_section(std::ostringstream& out, const RunResult& run, std::size_t c, std::size_t t, DetailGroup group,
                   const ReportContext& context) {
  const auto& cell = run.cells[c];
  const auto& test = cell.tests[t];
  const std::string title = escape_markup(test.test) + " on " + escape_markup(cell.cell.id()) + ": " +
                            std::string(to_string(test.verdict)) +
                            (group == DetailGroup::kUnexpected ? " <span class=\"marker\">unexpected</span>" : "");
  const bool folded = group == DetailGroup::kPassing;
  if (folded) out << "<details class=\"passing\"><summary>" << title << "</summary>\n";
  out << "<div class=\"test-detail"
      << (group == DetailGroup::kUnexpected ? " unexpected"
          : group == DetailGroup::kFailing  ? " failing"
                                            : "")
      << "\" id=\"" << test_detail_anchor(c, t) << "\" data-cell=\"" << escape_markup(cell.cell.id())
      << "\" data-test=\"" << escape_markup(test.test) << "\">\n";
  if (!folded) out << "<h3>" << title << "</h3>\n";
  write_evidence(out, cell, test, context);
  if (const auto& it = test.details.iterations)
    out << "<p class=\"iterations\">iterations: " << iterations_text(*it) << "</p>\n";
  if (const auto& memory = test.details.memory) write_memory(out, test_detail_anchor(c, t), *memory);
  if (const auto& kill = test.details.oom) write_oom(out, *kill);
  if (const auto& hang = test.details.hang) write_hang(out, *hang, context);
  out << "</div>\n" << (folded ? "</details>\n" : "");
}

}  // namespace

bool has_test_details(const TestResult& test) { return test.details.memory || test.details.oom || test.details.hang; }

bool has_detail_section(const TestResult& test) {
  return group_of(test) != DetailGroup::kPassing || has_test_details(test);
}

std::string boot_log_links(const BootSummary& boot, const ReportContext& context) {
  std::string links;
  for (const auto& [css_class, path, text] : {std::tuple{"console-log", &boot.console_log, "console.log"},
                                              std::tuple{"agent-log", &boot.agent_log, "agent.log"}})
    if (const std::string href = run_file_href(context, *path); !href.empty())
      links += (links.empty() ? "" : " ") + std::string("<a class=\"") + css_class + "\" href=\"" +
               escape_markup(href) + "\">" + text + "</a>";
  return links;
}

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
  const MemoryPoint* lowest = nullptr;
  for (std::size_t i = 0; i < curve.samples.size(); ++i) {
    const auto& s = curve.samples[i];
    avail.points.push_back({s.t, static_cast<double>(s.avail) / 1024.0, ""});
    if (!lowest || s.avail < lowest->avail) lowest = &s;
    const long long kills = s.oom_kills.value_or(0);
    const long long kills_before = i > 0 ? curve.samples[i - 1].oom_kills.value_or(0) : 0;
    if (i > 0 && kills > kills_before && chart.markers.size() < kMaxOomMarkers)
      chart.markers.push_back({s.t, "OOM kill by t=" + fixed(s.t, "%.2f") + " s (oom_kill " +
                                        std::to_string(kills_before) + " -> " + std::to_string(kills) + ")"});
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
  struct Section {
    std::size_t cell, test;
    DetailGroup group;
  };
  std::vector<Section> sections;
  int counts[3] = {0, 0, 0};
  for (std::size_t c = 0; c < run.cells.size(); ++c)
    for (std::size_t t = 0; t < run.cells[c].tests.size(); ++t)
      if (has_detail_section(run.cells[c].tests[t])) {
        const DetailGroup group = group_of(run.cells[c].tests[t]);
        sections.push_back({c, t, group});
        ++counts[static_cast<int>(group)];
      }
  if (sections.empty()) return;
  // Failures first: a stable sort keeps the matrix order within a group.
  std::stable_sort(sections.begin(), sections.end(),
                   [](const Section& a, const Section& b) { return a.group < b.group; });
  std::string summary;
  if (counts[0] + counts[1] > 0)
    summary = std::to_string(counts[0]) + " unexpected, " + std::to_string(counts[1]) + " other " +
              (counts[1] == 1 ? "failure" : "failures") + " with their evidence first";
  if (counts[2] > 0)
    summary += (summary.empty() ? "" : "; ") + std::to_string(counts[2]) + " passing " +
               (counts[2] == 1 ? "test" : "tests") + " with details folded below";
  out << "<h2>Tests in detail</h2>\n<p class=\"summary\" id=\"details-summary\">" << summary << "</p>\n";
  for (const auto& s : sections) write_section(out, run, s.cell, s.test, s.group, context);
}

void write_module_stats_charts(std::ostringstream& out, const RunResult& run) {
  // test id -> "kernel/kmod" -> points; std::map keeps the page stable.
  std::vector<std::string> tests;
  std::map<std::string, std::map<std::string, std::vector<ChartPoint>>> points;
  for (const auto& cell : run.cells)
    for (const auto& test : cell.tests) {
      const auto waste = duplicate_load_waste(test.details);
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
