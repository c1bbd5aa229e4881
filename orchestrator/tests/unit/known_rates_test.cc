// analysis/known_rates: compare's regressions and fixes held against the
// rates history.db recorded for the same test in the same cell.
#include "analysis/known_rates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;

const RecordedCellKey k612{"debian-6.12", "kmod-30", 2, 1024};

// One recorded verdict of kmod:0009 on debian-6.12 in night `n` (day n of November).
RecordedVerdict night(int n, Verdict v, const RecordedCellKey& cell = k612) {
  RecordedVerdict r;
  r.run_id = "h" + std::to_string(n);
  r.started_at = "2026-11-" + std::string(n < 10 ? "0" : "") + std::to_string(n) + "T01:00:00Z";
  r.cell = cell;
  r.verdict = v;
  r.test = "kmod:0009";
  return r;
}

// n1 passed everywhere; n2 (2026-11-21) fails kmod:0009 on debian-6.12.
RunComparison flip_of_0009(RunResult& n) {
  n = sample_nightly("n2", "2026-11-21T23:00:00Z");
  n.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kFail, "agent: exit status 1");
  return compare_runs(sample_nightly("n1", "2026-11-20T23:00:00Z"), n);
}

TEST(KnownRates, AFlipTheRecordedRateExplainsIsListedApart) {
  std::vector<RecordedVerdict> recorded;
  for (int d = 1; d <= 20; ++d) recorded.push_back(night(d, d == 7 || d == 15 ? Verdict::kFail : Verdict::kPass));
  RunResult n;
  RunComparison c = flip_of_0009(n);
  ASSERT_EQ(c.regressions.size(), 1u);
  judge_against_history(c, n, recorded);
  EXPECT_TRUE(c.regressions.empty());
  ASSERT_EQ(c.within_known_rate.size(), 1u);
  ASSERT_TRUE(c.within_known_rate[0].rate);
  EXPECT_EQ(c.within_known_rate[0].rate->before.failures, 2);
  EXPECT_EQ(c.within_known_rate[0].rate->before.runs, 20);
  EXPECT_FALSE(c.is_unexpected());
  const auto j = comparison_to_json(c);
  EXPECT_EQ(j["within_known_rate"][0]["test"], "kmod:0009");
  EXPECT_EQ(j["within_known_rate"][0]["rate"]["failures"], 2);
  EXPECT_EQ(j["within_known_rate"][0]["rate"]["within"], true);
  const std::string text = render_comparison_text(c);
  EXPECT_THAT(text, HasSubstr("within the known rate"));
  EXPECT_THAT(text, HasSubstr("before: 2/20 failed"));
  EXPECT_THAT(text, HasSubstr(", 1 within the known rate\n"));
}

TEST(KnownRates, ATestThatNeverFailedRegressesAndCarriesItsRate) {
  std::vector<RecordedVerdict> recorded;
  for (int d = 1; d <= 20; ++d) recorded.push_back(night(d, Verdict::kPass));
  recorded.push_back(night(3, Verdict::kFail, {"debian-6.1", "kmod-30", 1, 512}));  // another cell's failure
  RunResult n;
  RunComparison c = flip_of_0009(n);
  judge_against_history(c, n, recorded);
  ASSERT_EQ(c.regressions.size(), 1u);
  ASSERT_TRUE(c.regressions[0].rate);
  EXPECT_FALSE(c.regressions[0].rate->within);
  EXPECT_EQ(c.regressions[0].rate->before.runs, 20);
  EXPECT_TRUE(c.within_known_rate.empty());
  EXPECT_TRUE(c.is_unexpected());
}

TEST(KnownRates, OnlyRunsBeforeTheNewOneCount) {
  std::vector<RecordedVerdict> recorded;
  for (int d = 1; d <= 10; ++d) recorded.push_back(night(d, Verdict::kPass));
  RecordedVerdict later = night(28, Verdict::kFail);  // after the new run
  RecordedVerdict itself = night(21, Verdict::kFail);
  itself.run_id = "n2";
  recorded.push_back(later);
  recorded.push_back(itself);
  RunResult n;
  RunComparison c = flip_of_0009(n);
  judge_against_history(c, n, recorded);
  ASSERT_EQ(c.regressions.size(), 1u);
  EXPECT_EQ(c.regressions[0].rate->before.failures, 0);
}

TEST(KnownRates, WithoutHistoryNothingMoves) {
  RunResult n;
  RunComparison c = flip_of_0009(n);
  judge_against_history(c, n, {});
  ASSERT_EQ(c.regressions.size(), 1u);
  EXPECT_FALSE(c.regressions[0].rate);
  EXPECT_FALSE(comparison_to_json(c)["regressions"][0].contains("rate"));
}

}  // namespace
}  // namespace kmx
