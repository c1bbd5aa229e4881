// results/test_history: a test's verdicts folded into spans per cell.
#include "analysis/test_history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;
using ::testing::Not;

RecordedVerdict verdict_in(const std::string& run, const std::string& date, const std::string& kernel, Verdict v) {
  return RecordedVerdict{run, date + "T23:00:00Z",  RecordedCellKey{kernel, "kmod-30", 2, 1024},
                         v,   "evidence of " + run, 1};
}

TEST(TestHistory, SameVerdictEveryRunIsOneSpan) {
  const auto h = summarize_test_history("kmod:0009", {verdict_in("n1", "2026-11-20", "debian-6.12", Verdict::kPass),
                                                      verdict_in("n2", "2026-11-21", "debian-6.12", Verdict::kPass)});
  ASSERT_EQ(h.cells.size(), 1u);
  ASSERT_EQ(h.cells[0].spans.size(), 1u);
  EXPECT_EQ(h.cells[0].spans[0].runs, 2);
  EXPECT_EQ(
      render_test_history_text(h),
      "kmod:0009 on debian-6.12/kmod-30 2cpu 1024M: PASS in 2 runs (run n1 (2026-11-20) .. run n2 (2026-11-21))\n");
}

TEST(TestHistory, AChangeSaysUntilAndSince) {
  const auto h = summarize_test_history("kmod:0009", {verdict_in("n1", "2026-11-20", "debian-6.12", Verdict::kPass),
                                                      verdict_in("n2", "2026-11-21", "debian-6.12", Verdict::kPass),
                                                      verdict_in("n3", "2026-11-22", "debian-6.12", Verdict::kFail),
                                                      verdict_in("n4", "2026-11-23", "debian-6.12", Verdict::kFail)});
  ASSERT_EQ(h.cells[0].spans.size(), 2u);
  EXPECT_EQ(h.cells[0].spans[1].first_run, "n3");
  const std::string text = render_test_history_text(h);
  EXPECT_THAT(text, HasSubstr("kmod:0009 on debian-6.12/kmod-30 2cpu 1024M: PASS until run n2 (2026-11-21), FAIL since "
                              "run n3 (2026-11-22)\n"));
  EXPECT_THAT(text, HasSubstr("latest evidence: evidence of n4"));
}

TEST(TestHistory, MiddleSpansHaveFromAndUntil) {
  const auto h = summarize_test_history("kmod:0009", {verdict_in("n1", "2026-11-20", "k", Verdict::kPass),
                                                      verdict_in("n2", "2026-11-21", "k", Verdict::kOom),
                                                      verdict_in("n3", "2026-11-22", "k", Verdict::kPass)});
  EXPECT_THAT(render_test_history_text(h),
              HasSubstr("OOM from run n2 (2026-11-21) until run n2 (2026-11-21), PASS since"));
}

TEST(TestHistory, CellsAreKeptApart) {
  const auto h = summarize_test_history("kmod:0009", {verdict_in("n1", "2026-11-20", "debian-6.1", Verdict::kPass),
                                                      verdict_in("n1", "2026-11-20", "debian-6.12", Verdict::kFail)});
  ASSERT_EQ(h.cells.size(), 2u);
  EXPECT_EQ(h.cells[1].cell.kernel, "debian-6.12");
}

TEST(TestHistory, NothingRecordedSaysSo) {
  EXPECT_EQ(render_test_history_text(summarize_test_history("kmod:0099", {})), "kmod:0099: no recorded verdicts\n");
}

TEST(TestHistory, JsonCarriesSpans) {
  const auto j = test_history_to_json(
      summarize_test_history("kmod:0009", {verdict_in("n1", "2026-11-20", "debian-6.12", Verdict::kPass),
                                           verdict_in("n2", "2026-11-21", "debian-6.12", Verdict::kPanic)}));
  EXPECT_EQ(j["test"], "kmod:0009");
  EXPECT_EQ(j["cells"][0]["kernel"], "debian-6.12");
  EXPECT_EQ(j["cells"][0]["vcpus"], 2);
  EXPECT_EQ(j["cells"][0]["spans"][1]["verdict"], "PANIC");
  EXPECT_EQ(j["cells"][0]["spans"][1]["first_run"], "n2");
}

// A verdict with kmod.sh rounds: failed_at 0 means no round failed.
RecordedVerdict rounds_in(const std::string& run, const std::string& date, const std::string& kernel,
                          long long failed_at, long long planned = 150) {
  RecordedVerdict v = verdict_in(run, date, kernel, failed_at ? Verdict::kFail : Verdict::kPass);
  v.iterations_planned = planned;
  v.iterations_passed = failed_at ? failed_at - 1 : planned;
  if (failed_at) v.iterations_failed_at = failed_at;
  return v;
}

TEST(TestHistory, RoundsSayWhereAndHowOftenATestFailedAcrossNights) {
  const auto h = summarize_test_history(
      "kmod:0009", {rounds_in("n1", "2026-11-20", "debian-6.1", 1), rounds_in("n2", "2026-11-21", "debian-6.1", 0),
                    rounds_in("n3", "2026-11-22", "debian-6.1", 21), rounds_in("n1", "2026-11-20", "debian-6.12", 1),
                    rounds_in("n2", "2026-11-21", "debian-6.12", 1), rounds_in("n3", "2026-11-22", "debian-6.12", 1)});
  const std::string text = render_test_history_text(h);
  EXPECT_THAT(text, HasSubstr("    rounds: failed between rounds 1 and 21 in 2 of 3 runs, not at all in 1; 170/450 "
                              "rounds passed (37.8%)\n"
                              "    failed_at/planned per run: n1 1/150, n2 -/150, n3 21/150\n"));
  EXPECT_THAT(text, HasSubstr("    rounds: failed at round 1 in 3 of 3 runs; 0/450 rounds passed (0.0%)\n"
                              "    failed_at/planned per run: n1 1/150, n2 1/150, n3 1/150\n"));
  const auto r = h.cells[0].rounds();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->runs_failed, 2);
  EXPECT_EQ(r->failed_at_min, 1);
  EXPECT_EQ(r->failed_at_max, 21);
}

TEST(TestHistory, RoundsThatNeverFailedAndTestsWithoutRounds) {
  const auto h = summarize_test_history(
      "kmod:0009", {rounds_in("n1", "2026-11-20", "k", 0), rounds_in("n2", "2026-11-21", "k", 0, 20),
                    verdict_in("n1", "2026-11-20", "other", Verdict::kPass)});
  const std::string text = render_test_history_text(h);
  EXPECT_THAT(text, HasSubstr("    rounds: none failed in 2 runs; 170/170 rounds passed (100.0%)\n"));
  EXPECT_FALSE(h.cells[1].rounds());
  EXPECT_TRUE(text.ends_with("kmod:0009 on other/kmod-30 2cpu 1024M: PASS in 1 run (run n1 (2026-11-20))\n")) << text;
}

TEST(TestHistory, OnlyTheLastTenRunsAreListedAndTheMemoryLowPointIsNamed) {
  std::vector<RecordedVerdict> timeline;
  for (int i = 10; i <= 21; ++i) {
    timeline.push_back(rounds_in("n" + std::to_string(i), "2026-11-" + std::to_string(i), "k", i % 2 ? 3 : 0));
    timeline.back().min_available_kib = 900000 - i * (i == 15 ? 2000 : 1);
  }
  const std::string text = render_test_history_text(summarize_test_history("kmod:0009", timeline));
  EXPECT_THAT(text, HasSubstr("    failed_at/planned per run: ... n12 -/150, n13 3/150,"));
  EXPECT_THAT(text, Not(HasSubstr("n11 3/150")));
  EXPECT_THAT(text, HasSubstr("    lowest MemAvailable: 870000 KiB in run n15\n"));
}

TEST(TestHistory, JsonCarriesRoundsAndEachRunsObservations) {
  const auto j = test_history_to_json(
      summarize_test_history("kmod:0009", {rounds_in("n1", "2026-11-20", "k", 1), rounds_in("n2", "2026-11-21", "k", 0),
                                           verdict_in("n1", "2026-11-20", "other", Verdict::kPass)}));
  EXPECT_EQ(j["cells"][0]["rounds"], nlohmann::json({{"runs", 2},
                                                     {"runs_failed", 1},
                                                     {"failed_at_min", 1},
                                                     {"failed_at_max", 1},
                                                     {"passed", 150},
                                                     {"planned", 300}}));
  EXPECT_EQ(j["cells"][0]["observations"][0]["failed_at"], 1);
  EXPECT_TRUE(j["cells"][0]["observations"][1]["failed_at"].is_null());
  EXPECT_TRUE(j["cells"][0]["observations"][1]["min_available_kib"].is_null());
  EXPECT_FALSE(j["cells"][1].contains("rounds"));
  EXPECT_FALSE(j["cells"][1].contains("observations"));
}

TEST(TestHistory, QueriesTheStore) {
  ScratchDir dir;
  auto store = HistoryStore::open(dir.path() / "history.db");
  store.record_run(sample_nightly("n1", "2026-11-20T23:00:00Z"));
  RunResult n2 = sample_nightly("n2", "2026-11-21T23:00:00Z");
  n2.cells[1].tests[1].verdict = Verdict::kFail;
  store.record_run(n2);
  const auto h = query_test_history(store, {"kmod:0009", "debian-6.12", "kmod-30"});
  ASSERT_EQ(h.cells.size(), 1u);
  EXPECT_THAT(render_test_history_text(h), HasSubstr("PASS until run n1 (2026-11-20), FAIL since run n2 (2026-11-21)"));
}

// Issue 25: an imported run's evidence reached the terminal raw (newlines,
// escape sequences). Everything history.db holds is shown escaped.
TEST(TestHistory, TextFromHistoryCannotSteerTheTerminal) {
  RecordedVerdict a = verdict_in("n1", "2026-11-20", "debian-6.12", Verdict::kPass);
  RecordedVerdict b = verdict_in("n2\x1b[2J", "2026-11-21", "debian-6.12", Verdict::kFail);
  b.evidence = "FAIL\n\x1b]0;owned\x07\rkmod:0009 on x: PASS";
  const std::string text = render_test_history_text(summarize_test_history("kmod:0009\x1b[1A", {a, b}));
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_THAT(text, HasSubstr("latest evidence: FAIL\\x0a\\x1b]0;owned\\x07\\x0dkmod:0009 on x: PASS\n"));
}

}  // namespace
}  // namespace kmx
