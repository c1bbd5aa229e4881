// results/html_report: one self-contained page; as an Integration test,
// its DOM as headless Chromium builds it, and a screenshot.
#include "results/html_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "fakes.h"
#include "os/files.h"
#include "report_test_support.h"
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
      results[4].details["module_stats"] = sample_module_stats(vcpus * 3);
      run.cells.push_back(sample_cell(kernel, "kmod-30", vcpus, vcpus * 512, results));
    }
  // debian-6.1 on 2 vCPUs: kmod:0009 with rounds, a memory curve, an OOM kill and a hang dump.
  run.cells[1].tests[4].details.update(sample_observations(run.cells[1].cell.id()));
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
  n.current.cells[0].tests[4].details["module_stats"] = sample_module_stats(9);
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

bool chromium_installed() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

ProcessResult run_chromium(const ScratchDir& dir, std::vector<std::string> args) {
  std::vector<std::string> argv = {"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                   "--user-data-dir=" + (dir.path() / "chromium-profile").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  BoostProcessRunner runner;
  ProcessOptions options;
  options.timeout = std::chrono::seconds(180);
  return runner.run(argv, options);
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

}  // namespace
}  // namespace kmx
