// results/html_report: one self-contained page; as an Integration test,
// its DOM as headless Chromium builds it, and a screenshot.
#include "reports/html_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "fakes.h"
#include "headless_chromium.h"
#include "os/files.h"
#include "report_test_support.h"
#include "reports/verdict_style.h"
#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;
using ::testing::Not;

// Three kernels, two shapes, seven tests: what a nightly page looks like.
RunResult nightly(const std::string& run_id, const std::string& started_at) {
  RunResult run = sample_nightly(run_id, started_at);
  run.cells.clear();
  const char* tests[] = {"kmod:0001", "kmod:0002", "kmod:0003", "kmod:0004", "kmod:0009", "kmod:0010", "fault:oom"};
  for (const char* kernel : {"debian-6.1", "debian-6.12", "debian-7.2"})
    for (int vcpus : {1, 2}) {
      std::vector<TestResult> results;
      for (const char* t : tests) results.push_back(sample_test(t, Verdict::kPass));
      results.back().verdict = Verdict::kOom;
      results.back().evidence = "console: Out of memory: Killed process 93 (kmx-hog)";
      results.back().expected = {Verdict::kOom};
      results.back().as_expected = true;
      // More vCPUs, more racing duplicate loads of one module thrown away.
      set_detail(results[4].details, "module_stats", sample_module_stats(vcpus * 3));
      run.cells.push_back(sample_cell(kernel, "kmod-30", vcpus, vcpus * 512, results));
    }
  // debian-6.1 on 2 vCPUs: kmod:0009 with rounds, a memory curve, an OOM kill and a hang dump.
  merge_details(run.cells[1].tests[4].details, sample_observations(run.cells[1].cell.id()));
  return run;
}

struct NightPair {
  RunResult previous = nightly("20261120-230000-11", "2026-11-20T23:00:00Z");
  RunResult current = nightly("20261121-230000-12", "2026-11-21T23:00:00Z");
  NightPair() {
    previous.cells[2].tests[3] = sample_test("kmod:0004", Verdict::kFail, "agent: exit status 1");
    current.cells[3].tests[4] = sample_test("kmod:0009", Verdict::kPanic,
                                            "console: [   61.2] Kernel panic - not syncing: softlockup: hung tasks");
    current.cells[5].tests[5] = sample_test("kmod:0010", Verdict::kError, "host: VM did not start after 3 tries");
  }
};

TEST(HtmlReport, IsOneFileThatFetchesNothing) {
  NightPair n;
  const std::string html = render_html(n.current, {"", &n.previous});
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<style>"));
  EXPECT_THAT(html, HasSubstr("<script>"));
  for (const char* external : {"http://", "https://", "<link", " src=", "@import", "url("})
    EXPECT_THAT(html, Not(HasSubstr(external))) << external;
}

TEST(HtmlReport, VerdictCellsCarryColourEvidenceAndLogLink) {
  NightPair n;
  const std::string html = render_html(n.current, {});
  EXPECT_THAT(
      html,
      HasSubstr("class=\"verdict v-PANIC unexpected\" data-cell=\"debian-6.12.kmod-30.2cpu.1024M\" "
                "data-test=\"kmod:0009\" data-verdict=\"PANIC\" title=\"PANIC in 1.5 s: console: [   61.2] "
                "Kernel panic - not syncing: softlockup: hung tasks\"><a href=\"cells/kmod:0009.log\">PANIC</a>"));
  EXPECT_THAT(html, HasSubstr("class=\"verdict v-OOM\""));  // expected: no unexpected marker
}

TEST(HtmlReport, EnvironmentIsShown) {
  NightPair n;
  const std::string html = render_html(n.current, {});
  for (const char* fact :
       {"ci-runner-3", "2 CPUs, 24576 MiB", "7.2.0 / 9.0.0", "tcg (/dev/kvm cannot run a guest)", "0.1.0"})
    EXPECT_THAT(html, HasSubstr(fact)) << fact;
}

TEST(HtmlReport, ChangesSincePreviousAreListedAndMarked) {
  NightPair n;
  const std::string html = render_html(n.current, {"", &n.previous});
  EXPECT_THAT(html, HasSubstr("<h2>Changes since 20261120-230000-11</h2>"));
  EXPECT_THAT(
      html,
      HasSubstr(
          "<li class=\"regression\">regression: kmod:0009 on debian-6.12.kmod-30.2cpu.1024M: PASS &rarr; PANIC</li>"));
  EXPECT_THAT(html,
              HasSubstr("<li class=\"fix\">fix: kmod:0004 on debian-6.12.kmod-30.1cpu.512M: FAIL &rarr; PASS</li>"));
  EXPECT_THAT(html, HasSubstr("v-PANIC unexpected regression\""));
  EXPECT_THAT(html, HasSubstr("v-PASS fix\""));
}

TEST(HtmlReport, NoPreviousRunNoChangesSection) {
  NightPair n;
  EXPECT_THAT(render_html(n.current, {}), Not(HasSubstr("Changes since")));
}

TEST(HtmlReport, VerdictCellsShowRoundsAndLinkToTheTestsDetails) {
  NightPair n;
  const std::string html = render_html(n.current, {});
  EXPECT_THAT(html, HasSubstr("<span class=\"rounds\">150/150 passed</span><a class=\"detail-link\" "
                              "href=\"#detail-c1-t4\">details</a></td>"));
  EXPECT_THAT(html, HasSubstr("<div class=\"test-detail\" id=\"detail-c1-t4\""));
  EXPECT_THAT(html, HasSubstr("<svg class=\"chart\" id=\"memory-detail-c1-t4\""));
  EXPECT_THAT(html, HasSubstr("<a class=\"hang-dump\" href=\"cells/debian-6.1.kmod-30.2cpu.1024M/tests/"
                              "kmod-0009.hang.txt\">task dump</a>"));
  EXPECT_THAT(html, HasSubstr("<h2>Duplicate-load waste by vCPUs</h2>"));
  EXPECT_THAT(html, HasSubstr("<svg class=\"chart\" id=\"modstats-kmod-0009\""));
  EXPECT_THAT(html, Not(HasSubstr("id=\"modstats-kmod-0001\"")));  // no module stats, no chart
}

TEST(HtmlReport, ChangedRoundsAndWasteAreListedAsInformation) {
  NightPair n;
  set_detail(n.current.cells[0].tests[4].details, "module_stats", sample_module_stats(9));
  const std::string html = render_html(n.current, {"", &n.previous});
  EXPECT_THAT(html, HasSubstr("<li class=\"information\">information: kmod:0009 on debian-6.1.kmod-30.1cpu.512M: "
                              "Mods failed on load 3 -&gt; 9</li>"));
}

TEST(HtmlReport, GuestTextIsEscaped) {
  NightPair n;
  n.current.cells[0].tests[0].evidence = "<script>alert(1)</script> \x01";
  const std::string html = render_html(n.current, {});
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("\x01")));
}

TEST(IntegrationHtml, ChromiumBuildsTheMatrixDomAndRunsTheScript) {
  if (!chromium_installed())
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium; ci/setup-host.sh does)";
  ScratchDir dir;
  NightPair n;
  const auto page = dir.path() / "report.html";
  write_file_atomically(page, render_html(n.current, {dir.path(), &n.previous}));
  const ProcessResult dom = run_chromium(dir, {"--dump-dom", "file://" + page.string()});
  ASSERT_TRUE(dom.ok()) << dom.describe({"chromium", "--dump-dom"});
  EXPECT_THAT(dom.output, HasSubstr("data-interactive=\"yes\""));
  EXPECT_THAT(dom.output, HasSubstr("<table id=\"matrix\">"));
  EXPECT_THAT(dom.output, HasSubstr("data-test=\"kmod:0009\" data-verdict=\"PANIC\""));
  EXPECT_THAT(dom.output, HasSubstr("<li class=\"regression\">"));
  EXPECT_THAT(dom.output, HasSubstr("<table class=\"env\" id=\"environment\">"));
  EXPECT_THAT(dom.output, HasSubstr("<svg id=\"summary-bar\""));
  // The inline charts survive the browser's parsing as SVG elements.
  EXPECT_THAT(dom.output, HasSubstr("<svg class=\"chart\" id=\"memory-detail-c1-t4\""));
  EXPECT_THAT(dom.output, HasSubstr("<svg class=\"chart\" id=\"modstats-kmod-0009\""));
  EXPECT_THAT(dom.output, HasSubstr("<polyline fill=\"none\""));
  EXPECT_THAT(dom.output, HasSubstr("<line class=\"marker\""));  // the OOM kill
  EXPECT_THAT(dom.output, HasSubstr("<a class=\"hang-dump\" href=\""));

  const auto png = dir.path() / "report.png";
  const ProcessResult shot =
      run_chromium(dir, {"--screenshot=" + png.string(), "--window-size=1400,900", "file://" + page.string()});
  ASSERT_TRUE(shot.ok()) << shot.describe({"chromium", "--screenshot"});
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 20000u);  // a rendered page, not a blank one
  // KMX_HTML_SCREENSHOT=docs/html-report.png refreshes the committed picture.
  if (const char* keep = std::getenv("KMX_HTML_SCREENSHOT"))
    std::filesystem::copy_file(png, keep, std::filesystem::copy_options::overwrite_existing);
}

// Every href="..." of a page that is not an anchor in it.
std::vector<std::string> file_links(const std::string& html) {
  std::vector<std::string> links;
  const std::string attr = "href=\"";
  for (auto at = html.find(attr); at != std::string::npos; at = html.find(attr, at + 1)) {
    const auto start = at + attr.size();
    const std::string href = html.substr(start, html.find('"', start) - start);
    if (!href.starts_with("#")) links.push_back(href);
  }
  return links;
}

// Issue 29: the evidence was in a title attribute and a box the script
// filled, so a reader without JavaScript (a mail client, a CI artifact
// viewer) never saw why a test failed.
TEST(HtmlReport, TheEvidenceOfEveryFailureIsOnThePageWithoutTheScript) {
  NightPair n;
  const std::string html = render_html(n.current, {});
  EXPECT_THAT(html, HasSubstr("<p class=\"evidence\">PANIC in 1.5 s, expected PASS: <code>console: [   61.2] Kernel "
                              "panic - not syncing: softlockup: hung tasks</code></p>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"evidence\">ERROR in 1.5 s, expected PASS: <code>host: VM did not start "
                              "after 3 tries</code></p>"));
  // The matrix links the verdict to it; the script's box stays hidden without the script.
  EXPECT_THAT(html, HasSubstr("<span class=\"marker\">unexpected</span><a class=\"detail-link\" "
                              "href=\"#detail-c3-t4\">details</a>"));
  EXPECT_THAT(html, HasSubstr("<div id=\"detail\" hidden>"));
}

TEST(HtmlReport, TestsInDetailListUnexpectedVerdictsThenFailuresThenPassingTestsFolded) {
  NightPair n;
  const std::string html = render_html(n.current, {});
  const auto at = [&](const std::string& what) {
    const auto p = html.find(what);
    EXPECT_NE(p, std::string::npos) << what;
    return p;
  };
  const auto panic = at("<div class=\"test-detail unexpected\" id=\"detail-c3-t4\"");
  const auto error = at("<div class=\"test-detail unexpected\" id=\"detail-c5-t5\"");
  const auto expected_oom = at("<div class=\"test-detail failing\" id=\"detail-c0-t6\"");
  const auto folded =
      at("<details class=\"passing\"><summary>kmod:0009 on debian-6.1.kmod-30.2cpu.1024M: "
         "PASS</summary>\n<div class=\"test-detail\" id=\"detail-c1-t4\"");
  EXPECT_LT(at("<h2>Tests in detail</h2>"), panic);
  EXPECT_LT(panic, error);
  EXPECT_LT(error, expected_oom);
  EXPECT_LT(expected_oom, folded);
  EXPECT_THAT(html, HasSubstr("2 unexpected, 6 other failures with their evidence first; 1 passing test with details "
                              "folded below"));
  // A passing test without details gets no section.
  EXPECT_THAT(html, Not(HasSubstr("id=\"detail-c0-t0\"")));
}

TEST(HtmlReport, EachCellLinksItsBootsConsoleAndAgentLogs) {
  NightPair n;
  BootSummary second = n.current.cells[0].boots[0];
  second.index = 2;
  second.console_log = "cells/debian-6.1.kmod-30.1cpu.512M/boot-2/console.log";
  second.agent_log = "javascript:alert(1)";  // not a path in the run: not linked
  n.current.cells[0].boots.push_back(second);
  const std::string html = render_html(n.current, {});
  EXPECT_THAT(html, HasSubstr("<td>4.2 s<span class=\"boot-logs\">boot 1: <a class=\"console-log\" "
                              "href=\"cells/debian-6.1.kmod-30.1cpu.512M/boot-1/console.log\">console.log</a> "
                              "<a class=\"agent-log\" href=\"cells/debian-6.1.kmod-30.1cpu.512M/boot-1/agent.log\">"
                              "agent.log</a></span><span class=\"boot-logs\">boot 2: <a class=\"console-log\" "
                              "href=\"cells/debian-6.1.kmod-30.1cpu.512M/boot-2/console.log\">console.log</a></span>"
                              "</td>"));
  // One boot: no number.
  EXPECT_THAT(html, HasSubstr("<span class=\"boot-logs\"><a class=\"console-log\" "
                              "href=\"cells/debian-6.1.kmod-30.2cpu.1024M/boot-1/console.log\">"));
  // The failed test's section links its log and its boot's logs too.
  EXPECT_THAT(html, HasSubstr("<p class=\"logs\"><a class=\"test-log\" href=\"cells/kmod:0009.log\">test log</a>; "
                              "boot 1: <a class=\"console-log\" "
                              "href=\"cells/debian-6.12.kmod-30.2cpu.1024M/boot-1/console.log\">"));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
  // A run read from history.db has no logs to link.
  ReportContext no_dir;
  no_dir.logs_available = false;
  EXPECT_THAT(render_html(n.current, no_dir), Not(HasSubstr("class=\"console-log\"")));
}

TEST(HtmlReport, AWideMatrixScrollsInItsBoxWithTheFirstColumnFixed) {
  NightPair n;
  const std::string html = render_html(n.current, {});
  EXPECT_THAT(html, HasSubstr("<div class=\"matrix-scroll\"><table id=\"matrix\">"));
  EXPECT_THAT(html, HasSubstr(".matrix-scroll { overflow-x: auto;"));
  EXPECT_THAT(html, HasSubstr("#matrix tr > :first-child { position: sticky; left: 0;"));
}

TEST(HtmlReport, VerdictColoursComeFromTheOneTable) {
  const std::string html = render_html(NightPair().current, {});
  EXPECT_THAT(html, HasSubstr(verdict_css_rules()));
  EXPECT_THAT(verdict_css_rules(), HasSubstr(".v-PANIC { background: #e57373; color: #fff; }"));
  EXPECT_THAT(verdict_css_rules(), HasSubstr(".v-MISS { background: #90a4ae; }"));
}

// What the site copies beside a night's report is what the report links.
TEST(HtmlReport, LinkedFilesAreEveryFileThePageLinks) {
  NightPair n;
  n.current.cells[0].tests[0].log = "../outside.log";  // never linked, never listed
  const auto linked = html_linked_files(n.current);
  EXPECT_FALSE(linked.contains("../outside.log"));
  EXPECT_TRUE(linked.contains("cells/debian-6.1.kmod-30.2cpu.1024M/tests/kmod-0009.hang.txt"));
  const std::string html = render_html(n.current, {});
  const auto links = file_links(html);
  EXPECT_GT(links.size(), 20u);
  for (const auto& href : links) EXPECT_TRUE(linked.contains(href)) << href;
}

TEST(HtmlReport, OnlyLinkableFilesAreLinkedWhenTheContextNamesThem) {
  NightPair n;
  const std::set<std::string> copied = {"cells/debian-6.1.kmod-30.1cpu.512M/boot-1/console.log"};
  ReportContext context;
  context.linkable = &copied;
  const auto links = file_links(render_html(n.current, context));
  EXPECT_EQ(std::set<std::string>(links.begin(), links.end()), copied);
}

// Issue 29: what a reader without JavaScript sees: the evidence, the logs
// of each boot, the folded passing tests; not the script's box.
TEST(IntegrationHtml, WithoutJavaScriptTheEvidenceAndLogsAreOnThePage) {
  if (!chromium_installed())
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium; ci/setup-host.sh does)";
  ScratchDir dir;
  NightPair n;
  const auto page = dir.path() / "report.html";
  write_file_atomically(page, without_scripts(render_html(n.current, {dir.path(), &n.previous})));
  const ProcessResult dom = run_chromium(dir, {"--dump-dom", "file://" + page.string()});
  ASSERT_TRUE(dom.ok()) << dom.describe({"chromium", "--dump-dom"});
  EXPECT_THAT(dom.output, HasSubstr("script-src 'none'"));
  EXPECT_THAT(dom.output, Not(HasSubstr("data-interactive=\"yes\"")));  // the script did not run
  EXPECT_THAT(dom.output, HasSubstr("<div id=\"detail\" hidden=\"\">"));
  EXPECT_THAT(dom.output, HasSubstr("<p class=\"evidence\">PANIC in 1.5 s, expected PASS: <code>console: [   61.2] "
                                    "Kernel panic - not syncing: softlockup: hung tasks</code></p>"));
  EXPECT_THAT(dom.output, HasSubstr("<a class=\"console-log\" href=\"cells/debian-6.12.kmod-30.2cpu.1024M/boot-1/"
                                    "console.log\">console.log</a>"));
  EXPECT_THAT(dom.output, HasSubstr("<details class=\"passing\"><summary>"));
  // A link into a folded test opens it, script or not.
  const ProcessResult linked = run_chromium(dir, {"--dump-dom", "file://" + page.string() + "#detail-c1-t4"});
  ASSERT_TRUE(linked.ok()) << linked.describe({"chromium", "--dump-dom"});
  EXPECT_THAT(linked.output, HasSubstr("<details class=\"passing\" open=\"\"><summary>"));
}

// The matrix wider than the window: its box scrolls, the page does not, and
// the cell column stays in view. A probe added to the page measures it.
TEST(IntegrationHtml, AWideMatrixScrollsWithItsFirstColumnFixed) {
  if (!chromium_installed())
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium; ci/setup-host.sh does)";
  ScratchDir dir;
  NightPair n;
  std::string html = render_html(n.current, {});
  // Measured a frame after the scroll, when the browser has placed the
  // sticky column (half a pixel off: a collapsed border stays behind).
  const std::string probe = R"(<script>
var box = document.querySelector('.matrix-scroll'), first = document.querySelector('#matrix tr th');
var before = first.getBoundingClientRect().left;
box.scrollLeft = 400;
requestAnimationFrame(function () { setTimeout(function () {
  document.body.dataset.probe = [box.scrollWidth > box.clientWidth, box.scrollLeft > 0,
    Math.abs(first.getBoundingClientRect().left - before) <= 1.5,
    document.documentElement.scrollWidth <= window.innerWidth].join(',');
}, 0); });
</script></body>)";
  html.replace(html.rfind("</body>"), 7, probe);
  const auto page = dir.path() / "probe.html";
  write_file_atomically(page, html);
  const ProcessResult dom = run_chromium(
      dir, {"--window-size=700,600", "--virtual-time-budget=5000", "--dump-dom", "file://" + page.string()});
  ASSERT_TRUE(dom.ok()) << dom.describe({"chromium", "--dump-dom"});
  // Wider than its box, scrolled, first column in place, the page itself not wider than the window.
  EXPECT_THAT(dom.output, HasSubstr("data-probe=\"true,true,true,true\""));
}

// Issue 25: a crafted results.json's `log` became a live link.
TEST(HtmlReport, ALogThatIsNoPathInTheRunIsNoLink) {
  NightPair n;
  n.current.cells[0].tests[0].log = "javascript:alert(7)";
  n.current.cells[0].tests[1].log = "/etc/passwd";
  const std::string html = render_html(n.current, {});
  EXPECT_THAT(html, Not(HasSubstr("javascript:alert")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"/etc/passwd")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"\"")));
}

// Issue 27: a failure a [[known_issue]] covers says so, linking only a web page.
TEST(HtmlReport, AKnownIssueIsMarkedOnItsVerdict) {
  NightPair n;
  auto& failing = n.current.cells[3].tests[4];  // PANIC
  failing.known_issue = KnownIssue{failing.test, {}, {}, true, "https://bugs.example/1", "throttle <b>"};
  std::string html = render_html(n.current, {});
  EXPECT_THAT(html, HasSubstr("<a class=\"marker known-issue\" href=\"https://bugs.example/1\" title=\"throttle "
                              "&lt;b&gt;\">known issue (intermittent)</a>"));
  failing.known_issue->link = "javascript:alert(1)";
  html = render_html(n.current, {});
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript:")));
  EXPECT_THAT(html, HasSubstr("<span class=\"marker known-issue\""));
}

// Issue 27: Chromium parses the known-issue marker as a link in its verdict cell.
TEST(IntegrationHtml, ChromiumShowsTheKnownIssueMarkerAsALink) {
  if (!chromium_installed())
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium; ci/setup-host.sh does)";
  ScratchDir dir;
  NightPair n;
  auto& failing = n.current.cells[3].tests[4];  // PANIC
  failing.known_issue = KnownIssue{failing.test, {}, {}, false, "https://bugs.example/1", "throttle"};
  const auto page = dir.path() / "report.html";
  write_file_atomically(page, render_html(n.current, {dir.path(), nullptr}));
  const ProcessResult dom = run_chromium(dir, {"--dump-dom", "file://" + page.string()});
  ASSERT_TRUE(dom.ok()) << dom.describe({"chromium", "--dump-dom"});
  EXPECT_THAT(dom.output, HasSubstr("<a class=\"marker known-issue\" href=\"https://bugs.example/1\" "
                                    "title=\"throttle\">known issue</a>"));
}

}  // namespace
}  // namespace kmx
