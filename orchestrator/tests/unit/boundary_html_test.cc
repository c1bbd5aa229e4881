// boundary/boundary_html: one self-contained page with an SVG plot of the
// probes; as an Integration test, its DOM as headless Chromium builds it.
#include "boundary/boundary_html.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "boundary/boundary_report.h"
#include "fake_probe_runner.h"
#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;
using ::testing::Not;

BoundaryReport found_at_192() {
  FakeProbeRunner runner(192);
  BoundaryReport report;
  report.boundary_id = "boundary-1";
  report.matrix_name = "oom-edge";
  report.kernel = "debian-6.12";
  report.kmod = "host";
  report.test = "kmod:0006";
  report.plan = {BoundaryAxis::kMemory, {64, 512, 64}, {}, 3};
  report.result = search_boundary(report.plan, runner);
  return report;
}

int count_of(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(BoundaryHtml, IsOneFileThatFetchesNothing) {
  const std::string html = render_boundary_html(found_at_192());
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<style>"));
  for (const char* external : {"href=\"http", "https://", "<link", " src=", "@import", "url(", "<script"})
    EXPECT_THAT(html, Not(HasSubstr(external))) << external;
}

TEST(BoundaryHtml, OneMarkerPerProbeColouredByVerdict) {
  const BoundaryReport report = found_at_192();
  const std::string html = render_boundary_html(report);
  EXPECT_EQ(count_of(html, "<circle class=\"probe "), static_cast<int>(report.result.probes.size()));
  EXPECT_THAT(html, HasSubstr("<circle class=\"probe v-OOM\" data-value=\"64\" data-repeat=\"1\" data-verdict=\"OOM\" "
                              "cx=\"50.0\""));
  EXPECT_THAT(html, HasSubstr("class=\"probe v-PASS\" data-value=\"512\" data-repeat=\"1\" data-verdict=\"PASS\" "
                              "cx=\"730.0\""));
  // The third run at 192 stacks above the first.
  EXPECT_THAT(html, HasSubstr("data-value=\"192\" data-repeat=\"3\" data-verdict=\"PASS\" cx=\"244.3\" cy=\"142\""));
}

TEST(BoundaryHtml, TheBoundaryIsAVerticalLineBetweenTheEdges) {
  const std::string html = render_boundary_html(found_at_192());
  // Halfway between 128 (x 147.1) and 192 (x 244.3).
  EXPECT_THAT(html, HasSubstr("id=\"boundary-line\" data-first-good=\"192\" x1=\"195.7\" y1=\"10\" x2=\"195.7\""));
  EXPECT_THAT(html, HasSubstr("OOM below 192 MiB, PASS from 192 MiB (3/3 each edge)"));
}

TEST(BoundaryHtml, NoBoundaryNoLine) {
  FakeProbeRunner runner(10000);
  BoundaryReport report = found_at_192();
  report.result = search_boundary(report.plan, runner);
  EXPECT_THAT(render_boundary_html(report), Not(HasSubstr("boundary-line")));
}

TEST(BoundaryHtml, GuestTextIsEscaped) {
  BoundaryReport report = found_at_192();
  report.result.probes[0].run.evidence = "<script>alert(1)</script> \x01";
  const std::string html = render_boundary_html(report);
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("\x01")));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
}

bool chromium_installed() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

TEST(IntegrationBoundaryHtml, ChromiumBuildsThePlot) {
  if (!chromium_installed())
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium; ci/setup-host.sh does)";
  ScratchDir dir;
  const BoundaryReport report = found_at_192();
  const auto page = dir.path() / "boundary.html";
  write_file_atomically(page, render_boundary_html(report));
  BoostProcessRunner runner;
  const std::vector<std::string> chromium = {"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                             "--user-data-dir=" + (dir.path() / "profile").string()};
  std::vector<std::string> dump = chromium;
  dump.insert(dump.end(), {"--dump-dom", "file://" + page.string()});
  const ProcessResult dom = runner.run(dump, {.timeout = std::chrono::seconds(180)});
  ASSERT_TRUE(dom.ok()) << dom.describe(dump);
  EXPECT_THAT(dom.output, HasSubstr("<svg id=\"boundary-plot\""));
  EXPECT_EQ(count_of(dom.output, "<circle class=\"probe "), static_cast<int>(report.result.probes.size()));
  EXPECT_THAT(dom.output, HasSubstr("id=\"boundary-line\" data-first-good=\"192\""));
  EXPECT_THAT(dom.output, HasSubstr("<table id=\"probes\">"));

  const auto png = dir.path() / "boundary.png";
  std::vector<std::string> shot = chromium;
  shot.insert(shot.end(), {"--screenshot=" + png.string(), "--window-size=900,700", "file://" + page.string()});
  const ProcessResult r = runner.run(shot, {.timeout = std::chrono::seconds(180)});
  ASSERT_TRUE(r.ok()) << r.describe(shot);
  EXPECT_GT(std::filesystem::file_size(png), 10000u);  // a rendered page, not a blank one
}

}  // namespace
}  // namespace kmx
