// results/site_html: the site's index page from a matrix history, the
// nights' links and builds (no files: the page is a pure function).
#include "reports/site_html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/verdict_style.h"

namespace kmx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const RecordedCellKey k612{"debian-6.12", "kmod-30", 2, 1024};
const RecordedCellKey k61{"debian-6.1", "kmod-30", 1, 512};

RecordedRun night(const std::string& id, int day) {
  return {id, "2026-11-" + std::to_string(day) + "T23:00:00Z", "2026-11-" + std::to_string(day) + "T23:40:00Z",
          "nightly"};
}

RecordedVerdict verdict(const RecordedRun& run, const RecordedCellKey& cell, const std::string& test, Verdict v,
                        const std::string& evidence = "agent: exit status 0") {
  RecordedVerdict r;
  r.run_id = run.run_id;
  r.started_at = run.started_at;
  r.cell = cell;
  r.verdict = v;
  r.evidence = evidence;
  r.test = test;
  return r;
}

RecordedCellBuild build(const RecordedCellKey& cell, const std::string& version) {
  return {cell, "linux-image-" + cell.kernel + "-amd64", version, version + "-amd64", "kmod version 30"};
}

// Four nights; kmod:0009 on debian-6.12 fails from n3, when its kernel
// moved to 6.12.9-1; kmod:0001 passes; n2 has no report.
SitePage four_nights() {
  std::vector<RecordedRun> runs = {night("n1", 20), night("n2", 21), night("n3", 22), night("n4", 23)};
  std::vector<RecordedVerdict> verdicts;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const auto& cell : {k61, k612}) verdicts.push_back(verdict(runs[i], cell, "kmod:0001", Verdict::kPass));
    verdicts.push_back(verdict(runs[i], k61, "kmod:0009", Verdict::kPass));
    verdicts.push_back(i >= 2 ? verdict(runs[i], k612, "kmod:0009", Verdict::kFail, "agent: exit status 1")
                              : verdict(runs[i], k612, "kmod:0009", Verdict::kPass));
  }
  SitePage page{build_matrix_history("nightly", runs, verdicts), {}};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    SiteNight n;
    if (i != 1) n.report_href = runs[i].run_id + "/report.html";
    n.builds = {build(k61, "6.1.158-1"), build(k612, i >= 2 ? "6.12.9-1" : "6.12.8-1")};
    if (i >= 2) n.verdict_hrefs[{"kmod:0009", k612}] = runs[i].run_id + "/report.html#detail-c1-t1";
    page.nights.push_back(n);
  }
  return page;
}

std::string row_of(const std::string& html, const std::string& test, const std::string& cell) {
  const auto start = html.find("<tr data-test=\"" + test + "\" data-cell=\"" + cell + "\"");
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</tr>", start) - start);
}

TEST(SiteHtml, IsOnePageThatFetchesNothing) {
  const std::string html = render_site_index(four_nights());
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  for (const char* external : {"http://", "https://", "<link", " src=", "@import", "url("})
    EXPECT_THAT(html, Not(HasSubstr(external))) << external;
}

TEST(SiteHtml, EachVerdictIsColouredAsInTheReportWithItsLetterAndEvidence) {
  const std::string html = render_site_index(four_nights());
  EXPECT_THAT(html, HasSubstr(verdict_css_rules()));
  const std::string row = row_of(html, "kmod:0009", "debian-6.12/kmod-30 2cpu 1024M");
  ASSERT_FALSE(row.empty());
  EXPECT_THAT(row, HasSubstr("<td class=\"v v-PASS\" title=\"PASS on 2026-11-20 (run n1): agent: exit status 0\">"
                             "<a href=\"n1/report.html\">P</a></td>"));
  // No report of n2: no link.
  EXPECT_THAT(row, HasSubstr("<td class=\"v v-PASS\" title=\"PASS on 2026-11-21 (run n2): agent: exit status 0\">P"
                             "</td>"));
  EXPECT_THAT(row, HasSubstr("<td class=\"v v-FAIL\" title=\"FAIL on 2026-11-23 (run n4): agent: exit status 1\">"
                             "<a href=\"n4/report.html#detail-c1-t1\">F</a></td>"));
}

TEST(SiteHtml, TheNightAChangeBeganIsMarked) {
  const std::string html = render_site_index(four_nights());
  const std::string row = row_of(html, "kmod:0009", "debian-6.12/kmod-30 2cpu 1024M");
  EXPECT_THAT(row, HasSubstr("<td class=\"v v-FAIL began\" title=\"FAIL on 2026-11-22 (run n3): agent: exit status "
                             "1\"><a href=\"n3/report.html#detail-c1-t1\">F</a><span class=\"began-mark\">since</span>"
                             "</td>"));
  EXPECT_THAT(row_of(html, "kmod:0001", "debian-6.12/kmod-30 2cpu 1024M"), Not(HasSubstr("began")));
  EXPECT_THAT(html, HasSubstr("<ul class=\"changes\" id=\"changes\">\n<li><a href=\"n3/report.html#detail-c1-t1\">"
                              "kmod:0009 on debian-6.12/kmod-30 2cpu 1024M</a>: PASS &rarr; FAIL since 2026-11-22 "
                              "(run n3); 1 flip, 2/4 passed</li>"));
}

TEST(SiteHtml, PassRateAndFlipsPerTestAndCell) {
  const std::string html = render_site_index(four_nights());
  EXPECT_THAT(
      row_of(html, "kmod:0009", "debian-6.12/kmod-30 2cpu 1024M"),
      HasSubstr("data-flips=\"1\" data-steady=\"no\"><th class=\"track\" scope=\"row\" title=\"kmod:0009 on "
                "debian-6.12/kmod-30 2cpu 1024M\"><span class=\"test\">kmod:0009</span> <span class=\"cell\">"
                "debian-6.12/kmod-30 2cpu 1024M</span></th><td class=\"rate\" title=\"failure rate 2/4 failed (50.0%, "
                "95% CI 15.0-85.0%)\">2/4 50%<br>1 flip</td>"));
  EXPECT_THAT(row_of(html, "kmod:0001", "debian-6.1/kmod-30 1cpu 512M"),
              HasSubstr("data-steady=\"yes\"><th class=\"track\""));
  EXPECT_THAT(html, HasSubstr("4 nights, 2026-11-20 (run n1) .. 2026-11-23 (run n4); 2 tests in 2 cells; 1 of 4 "
                              "test-cell pairs changed verdict; 1 not PASS on the last night"));
}

TEST(SiteHtml, EachNightsHeaderHasItsDateAndRunIdAndLinksItsReport) {
  const std::string html = render_site_index(four_nights());
  EXPECT_THAT(html, HasSubstr("<th class=\"night\" data-run=\"n1\" title=\"2026-11-20T23:00:00Z .. "
                              "2026-11-20T23:40:00Z\"><a href=\"n1/report.html\"><span "
                              "class=\"d\">2026-</span><wbr><span class=\"d\">11-20</span></a><br><span "
                              "class=\"run-id\">n1</span></th>"));
  EXPECT_THAT(html, HasSubstr("<th class=\"night no-report\" data-run=\"n2\" title=\"2026-11-21T23:00:00Z .. "
                              "2026-11-21T23:40:00Z; no report: the run&#39;s directory is gone\"><span "
                              "class=\"d\">2026-</span><wbr><span class=\"d\">11-21</span><br>"));
}

TEST(SiteHtml, BuildRowsNameWhatEachNightTestedAndMarkChanges) {
  const std::string html = render_site_index(four_nights());
  const auto start = html.find("<tr class=\"build\"><th class=\"track\" title=\"kernel debian-6.12\">");
  ASSERT_NE(start, std::string::npos);
  const std::string row = html.substr(start, html.find("</tr>", start) - start);
  EXPECT_THAT(row, HasSubstr("<td title=\"linux-image-debian-6.12-amd64 6.12.8-1, guest uname 6.12.8-1-amd64\">"
                             "6.12.8-1</td>"));
  EXPECT_THAT(row, HasSubstr("<td class=\"changed\" title=\"changed from 6.12.8-1: linux-image-debian-6.12-amd64 "
                             "6.12.9-1, guest uname 6.12.9-1-amd64\">6.12.9-1</td><td title="));
  EXPECT_THAT(html, HasSubstr("<tr class=\"build\"><th class=\"track\" title=\"kmod kmod-30\">kmod kmod-30</th><th "
                              "class=\"rate\"></th><td title=\"kmod version 30\">30</td>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"build\"><th class=\"track\" title=\"kernel debian-6.1\">"));
}

// A week of real nights: busybox's --version line wrapped into a tall cell.
TEST(SiteHtml, AToolsLongVersionLineIsShortInItsCellAndWholeInItsTitle) {
  SitePage page = four_nights();
  for (auto& b : page.nights[2].builds)
    b.guest_kmod_version = "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.";
  const std::string html = render_site_index(page);
  EXPECT_THAT(html,
              HasSubstr("<td class=\"changed\" title=\"changed from 30: BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) "
                        "multi-call binary.\">BusyBox v1.35.0</td>"));
}

// Issue 29: a grid wider than the window scrolls under its first columns.
TEST(SiteHtml, TheFirstColumnsStayInPlaceWhileTheNightsScroll) {
  const std::string html = render_site_index(four_nights());
  EXPECT_THAT(html, HasSubstr(".grid-scroll { overflow-x: auto;"));
  EXPECT_THAT(html, HasSubstr("#grid .track { position: sticky; left: 0;"));
  EXPECT_THAT(html, HasSubstr("#grid .rate { position: sticky;"));
  EXPECT_THAT(html, HasSubstr("#grid .rate { left: 320px; }\n#grid col.c-track { width: 320px; }"));
  EXPECT_THAT(html, HasSubstr("<table id=\"grid\" style=\"width: 700px\">"));  // 320 + 116 + 4 x 66
}

TEST(SiteHtml, WhatHistoryDbHoldsIsEscaped) {
  SitePage page = four_nights();
  page.history.runs[0].run_id = "../../<x>";
  page.history.matrix = "<script>";
  page.history.tracks[0].test = "t\"><img src=x onerror=alert(1)>";
  page.history.tracks[0].evidence[0] = "</td><script>alert(1)</script>";
  page.nights[0].builds[0].guest_kmod_version = "<b>kmod</b>";
  const std::string html = render_site_index(page);
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>kmod")));
  EXPECT_THAT(html, HasSubstr("data-run=\"../../&lt;x&gt;\""));
  EXPECT_THAT(html, HasSubstr("<h1>kmod-matrix: &lt;script&gt;, the last nights</h1>"));
}

TEST(SiteHtml, NoNightsSaysSo) {
  SitePage page;
  page.history.matrix = "nightly";
  EXPECT_THAT(render_site_index(page), HasSubstr("No recorded runs in the window."));
}

}  // namespace
}  // namespace kmx
