// results/ktap_report: KTAP version 1 header, plan, one nested subtest per
// cell, ok / not ok / # SKIP.
#include "reports/ktap_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

RunResult sample() {
  RunResult run = sample_nightly("n2", "2026-11-21T23:00:00Z");
  run.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kPanic, "console: Kernel panic # not syncing\nsecond line");
  set_detail(run.cells[1].tests[1].details, "iterations", {{"planned", 150}, {"passed", 0}, {"failed_at", 1}});
  run.cells[1].tests.push_back(sample_test("kmod:0011", Verdict::kSkip, "agent: test_kmod not built"));
  return run;
}

TEST(KtapReport, StartsWithVersionThenPlanOfCells) {
  const auto lines = lines_of(render_ktap(sample(), {}));
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], "KTAP version 1");
  EXPECT_TRUE(lines[1].starts_with("# kmod-matrix run n2 of matrix nightly"));
  EXPECT_EQ(lines[2], "1..2");
}

TEST(KtapReport, EachCellIsAnIndentedKtapDocumentWithItsOwnPlan) {
  const std::string ktap = render_ktap(sample(), {});
  EXPECT_THAT(ktap, HasSubstr("    KTAP version 1\n    # Subtest: debian-6.1.kmod-30.1cpu.512M\n"));
  EXPECT_THAT(ktap, HasSubstr("    1..2\n    ok 1 kmod:0001\n    # iterations: 150/150 passed\n    ok 2 kmod:0009\n"
                              "ok 1 debian-6.1.kmod-30.1cpu.512M\n"));
  EXPECT_THAT(ktap, HasSubstr("    1..3\n    ok 1 kmod:0001\n"));
}

TEST(KtapReport, FailuresAreNotOkWithVerdictDiagnosticsAndSkipsAreDirectives) {
  const std::string ktap = render_ktap(sample(), {});
  EXPECT_THAT(ktap, HasSubstr("    # kmod:0009: PANIC: console: Kernel panic # not syncing second line\n"
                              "    not ok 2 kmod:0009\n"));
  EXPECT_THAT(ktap, HasSubstr("    ok 3 kmod:0011 # SKIP agent: test_kmod not built\n"));
  EXPECT_TRUE(ktap.ends_with("not ok 2 debian-6.12.kmod-30.2cpu.1024M\n")) << ktap;
}

TEST(KtapReport, RoundsAreADiagnosticBeforeTheirResult) {
  const std::string ktap = render_ktap(sample(), {});
  EXPECT_THAT(ktap, HasSubstr("    # iterations: 0/150 passed, failed at round 1\n"
                              "    # kmod:0009: PANIC: console: Kernel panic # not syncing second line\n"
                              "    not ok 2 kmod:0009\n"));
  RunResult run = sample();
  set_detail(run.cells[0].tests[1].details, "iterations", {{"planned", "#1\nnot ok"}});
  EXPECT_THAT(render_ktap(run, {}), Not(HasSubstr("not ok\n    ok 2")));
  EXPECT_EQ(render_ktap(run, {}).find("# iterations: 150"), std::string::npos);
}

TEST(KtapReport, EveryLineIsAVersionPlanResultOrDiagnostic) {
  for (const auto& line : lines_of(render_ktap(sample(), {}))) {
    const std::string body = line.starts_with("    ") ? line.substr(4) : line;
    const bool known = body == "KTAP version 1" || body.starts_with("1..") || body.starts_with("ok ") ||
                       body.starts_with("not ok ") || body.starts_with("#");
    EXPECT_TRUE(known) << line;
  }
}

TEST(KtapReport, EmptyRunHasAnEmptyPlan) {
  RunResult run;
  EXPECT_THAT(render_ktap(run, {}), HasSubstr("\n1..0\n"));
}

// Issue 25: every field of a crafted results.json went into KTAP as it
// was, so a line-splitting reader met forged "ok N" lines.
TEST(KtapReport, NoFieldCanBreakALineWhateverItHolds) {
  RunResult run = sample();
  const std::string breaks[] = {std::string("\0", 1), "\x1b[2K",      "\v",           "\f",  "\r", "\n",
                                "\xC2\x85",           "\xE2\x80\xA8", "\xE2\x80\xA9", "\xFF"};
  for (const auto& b : breaks) {
    run.cells[1].tests[1].evidence += b + "ok 99 forged";
    run.cells[1].tests[2].evidence += b + "ok 98 forged";
  }
  run.cells[0].tests[0].test = "kmod:0001" + breaks[5] + "ok 97 forged";
  run.cells[0].guest_uname = "6.1" + breaks[6] + "ok 96 forged";
  run.run_id = "n2" + breaks[7] + "ok 95 forged";
  const std::string ktap = render_ktap(run, {});
  for (const auto& b : breaks)
    if (b != "\n") {
      EXPECT_EQ(ktap.find(b), std::string::npos) << "raw " << ::testing::PrintToString(b);
    }
  int results = 0;
  for (const auto& line : lines_of(ktap)) {
    const std::string body = line.starts_with("    ") ? line.substr(4) : line;
    results += body.starts_with("ok ") || body.starts_with("not ok ");
    EXPECT_FALSE(body.starts_with("ok 9")) << line;
  }
  EXPECT_EQ(results, 2 + 2 + 3);  // the cells' tests and the cells themselves
}

}  // namespace
}  // namespace kmx
