// results/html_test_details: the per-test sections (rounds, memory curve,
// OOM victim, hang dump) and the module-stats charts of the HTML report.
#include "reports/html_test_details.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;
using ::testing::Not;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string details_of(const RunResult& run, const ReportContext& context = {}) {
  std::ostringstream out;
  write_test_details(out, run, context);
  return out.str();
}

std::string charts_of(const RunResult& run) {
  std::ostringstream out;
  write_module_stats_charts(out, run);
  return out.str();
}

TEST(HtmlTestDetails, MemoryCurveMarksEachOomKill) {
  const TestResult t = [] {
    TestResult made = sample_test("kmod:0009", Verdict::kPass);
    nlohmann::json observed = sample_observations("c");
    observed["memory"]["samples"][4]["oom_kills"] = 3;  // two more kills by the last sample
    made.details = read_test_details(observed);
    return made;
  }();
  const std::string svg = memory_chart_svg("memory-x", *t.details.memory);
  EXPECT_THAT(svg, HasSubstr("id=\"memory-x\""));
  EXPECT_EQ(count(svg, "<line class=\"marker\""), 2u);
  EXPECT_THAT(svg, HasSubstr("OOM kill by t=3.25 s (oom_kill 0 -&gt; 1)"));
  EXPECT_THAT(svg, HasSubstr("OOM kill by t=4.25 s (oom_kill 1 -&gt; 3)"));
  EXPECT_THAT(svg, HasSubstr("<title>lowest: 401200 KiB at t=2.25 s</title>"));
}

TEST(HtmlTestDetails, SectionPerTestWithRoundsMemoryOomAndHangLink) {
  const RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  const std::string html = details_of(run, {"", nullptr, 65536, "../runs/n1"});
  EXPECT_THAT(html, HasSubstr("<h2>Tests in detail</h2>"));
  EXPECT_EQ(count(html, "<div class=\"test-detail\""), 1u);  // only the test that has details
  EXPECT_THAT(html, Not(HasSubstr("class=\"legend\"")));     // one curve, nothing to tell apart
  EXPECT_THAT(html, HasSubstr("<div class=\"test-detail\" id=\"detail-c0-t1\" "
                              "data-cell=\"debian-6.1.kmod-30.1cpu.512M\" data-test=\"kmod:0009\">"));
  EXPECT_THAT(html, HasSubstr("<p class=\"iterations\">iterations: 150/150 passed</p>"));
  EXPECT_THAT(html, HasSubstr("<svg class=\"chart\" id=\"memory-detail-c0-t1\""));
  EXPECT_THAT(html, HasSubstr("lowest MemAvailable 401200 KiB, peak 52 processes; 5 samples every 1000 ms"));
  EXPECT_THAT(html, HasSubstr("OOM killer took kmx-hog (pid 1234): total-vm 9000 KiB, anon-rss 800 KiB"));
  EXPECT_THAT(html, HasSubstr("<a class=\"hang-dump\" "
                              "href=\"../runs/n1/cells/debian-6.1.kmod-30.1cpu.512M/tests/kmod-0009.hang.txt\">"));
  EXPECT_THAT(html, HasSubstr("first blocked: <code>pid 311 (modprobe) D: stack: load_module+0x1c/0x2f0</code>"));
}

TEST(HtmlTestDetails, RoundsAloneMakeNoSection) {
  RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  for (const char* key : {"memory", "oom", "hang"}) erase_detail(run.cells[0].tests[1].details, key);
  EXPECT_FALSE(has_test_details(run.cells[0].tests[1]));
  EXPECT_EQ(details_of(run), "");
}

TEST(HtmlTestDetails, NothingToShowWritesNothing) {
  RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  for (auto& cell : run.cells)
    for (auto& t : cell.tests) t.details = {};
  EXPECT_EQ(details_of(run), "");
  EXPECT_EQ(charts_of(run), "");
}

TEST(HtmlTestDetails, HostileGuestTextIsEscapedAndBadPathsAreNotLinked) {
  RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  auto& d = run.cells[0].tests[1].details;
  set_detail(d, "hang", {{"dump", "javascript:alert(1)"}, {"first_blocked", "<img src=x onerror=alert(1)>"}});
  d.oom->victim = "</p><script>";
  set_detail(d, "iterations", "x");
  const std::string html = details_of(run);
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
  EXPECT_THAT(html, Not(HasSubstr("hang-dump")));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, HasSubstr("took &lt;/p&gt;&lt;script&gt; (pid"));
  EXPECT_THAT(html, Not(HasSubstr("class=\"iterations\"")));
}

TEST(HtmlTestDetails, FailuresAndUnexpectedVerdictsGetASectionPassesOnlyWithDetails) {
  TestResult t = sample_test("kmod:0001", Verdict::kPass);
  EXPECT_FALSE(has_detail_section(t));
  t.verdict = Verdict::kSkip;
  t.expected = {Verdict::kSkip};
  t.as_expected = true;
  EXPECT_FALSE(has_detail_section(t));  // an expected SKIP
  t.as_expected = false;
  EXPECT_TRUE(has_detail_section(t));  // an unexpected one
  t = sample_test("fault:oom", Verdict::kOom);
  t.expected = {Verdict::kOom};
  t.as_expected = true;
  EXPECT_TRUE(has_detail_section(t));  // an expected failure: its evidence
}

TEST(HtmlTestDetails, UnexpectedFirstThenFailuresThenPassingFolded) {
  RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  run.cells[1].tests[0] = sample_test("kmod:0001", Verdict::kFail, "agent: exit status 1");
  run.cells[0].tests[0] = sample_test("kmod:0001", Verdict::kOom, "console: Out of memory");
  run.cells[0].tests[0].expected = {Verdict::kOom};
  run.cells[0].tests[0].as_expected = true;
  const std::string html = details_of(run);
  const auto unexpected = html.find("<div class=\"test-detail unexpected\" id=\"detail-c1-t0\"");
  const auto failing = html.find("<div class=\"test-detail failing\" id=\"detail-c0-t0\"");
  const auto folded = html.find(
      "<details class=\"passing\"><summary>kmod:0009 on debian-6.1.kmod-30.1cpu.512M: "
      "PASS</summary>\n<div class=\"test-detail\" id=\"detail-c0-t1\"");
  ASSERT_NE(unexpected, std::string::npos);
  ASSERT_NE(failing, std::string::npos);
  ASSERT_NE(folded, std::string::npos);
  EXPECT_LT(unexpected, failing);
  EXPECT_LT(failing, folded);
  EXPECT_THAT(html, HasSubstr("<h3>kmod:0001 on debian-6.12.kmod-30.2cpu.1024M: FAIL <span class=\"marker\">"
                              "unexpected</span></h3>\n<p class=\"evidence\">FAIL in 1.5 s, expected PASS: <code>"
                              "agent: exit status 1</code></p>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"evidence\">OOM in 1.5 s: <code>console: Out of memory</code></p>"));
  EXPECT_THAT(html, HasSubstr("1 unexpected, 1 other failure with their evidence first; 1 passing test with details "
                              "folded below"));
}

TEST(HtmlTestDetails, TheSummaryNamesOnlyWhatThereIs) {
  const std::string html = details_of(sample_nightly("n1", "2026-11-20T23:00:00Z"));
  EXPECT_THAT(html, HasSubstr("<p class=\"summary\" id=\"details-summary\">1 passing test with details folded "
                              "below</p>"));
}

TEST(HtmlTestDetails, BootLogLinksAreRunPathsOrNothing) {
  BootSummary boot = sample_cell("debian-6.1", "kmod-30", 1, 512, {}).boots[0];
  EXPECT_EQ(boot_log_links(boot, {"", nullptr, 65536, "../runs/n1"}),
            "<a class=\"console-log\" href=\"../runs/n1/cells/debian-6.1.kmod-30.1cpu.512M/boot-1/console.log\">"
            "console.log</a> <a class=\"agent-log\" "
            "href=\"../runs/n1/cells/debian-6.1.kmod-30.1cpu.512M/boot-1/agent.log\">agent.log</a>");
  boot.console_log = "/var/log/syslog";
  boot.agent_log = "";
  EXPECT_EQ(boot_log_links(boot, {}), "");
}

TEST(HtmlTestDetails, ModuleStatsChartPerTestWithASeriesPerKernelAndAPointPerCell) {
  RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  run.cells.push_back(sample_cell("debian-6.12", "kmod-30", 4, 1024, {sample_test("kmod:0009", Verdict::kPass)}));
  set_detail(run.cells.back().tests[0].details, "module_stats", sample_module_stats(15));
  const std::string html = charts_of(run);
  EXPECT_THAT(html, HasSubstr("<h2>Duplicate-load waste by vCPUs</h2>"));
  EXPECT_EQ(count(html, "<figure class=\"modstats\""), 1u);  // only kmod:0009 has module stats
  EXPECT_THAT(html, HasSubstr("<svg class=\"chart\" id=\"modstats-kmod-0009\""));
  EXPECT_THAT(html, HasSubstr("data-series=\"debian-6.1/kmod-30\""));
  EXPECT_THAT(html, HasSubstr("data-series=\"debian-6.12/kmod-30\""));
  EXPECT_THAT(html, HasSubstr("<title>debian-6.12.kmod-30.4cpu.1024M: 15 failed loads, 798720 bytes of vmalloc "
                              "wasted; Mods failed on load 15; Virtual mem wasted bytes 798720</title>"));
  // debian-6.12 goes 2 -> 4 vCPUs, 7 -> 15 failed loads: x from 1 to 4, y from 0 to 15.
  EXPECT_THAT(html, HasSubstr("points=\"155.3,63.3 350.0,10.0\""));
}

}  // namespace
}  // namespace kmx
