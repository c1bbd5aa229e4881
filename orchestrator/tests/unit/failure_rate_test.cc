// analysis/failure_rate: a test's rate with its Wilson interval, and the
// rule that tells a regression from a flip the old rate explains.
#include "analysis/failure_rate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmx {
namespace {

constexpr Verdict P = Verdict::kPass;
constexpr Verdict F = Verdict::kFail;

std::vector<Verdict> repeated(Verdict v, int n) { return std::vector<Verdict>(static_cast<std::size_t>(n), v); }

TEST(FailureRate, WilsonIntervalsOfKnownValues) {
  const FailureRate one_in_thirty = failure_rate(1, 30);
  EXPECT_NEAR(one_in_thirty.low, 0.0059, 0.0005);
  EXPECT_NEAR(one_in_thirty.high, 0.1667, 0.0005);
  const FailureRate none_in_one = failure_rate(0, 1);
  EXPECT_DOUBLE_EQ(none_in_one.low, 0);
  EXPECT_NEAR(none_in_one.high, 0.7935, 0.0005);  // one run says little
  const FailureRate half = failure_rate(50, 100);
  EXPECT_NEAR(half.low, 0.4038, 0.0005);
  EXPECT_NEAR(half.high, 0.5962, 0.0005);
  EXPECT_FALSE(failure_rate(0, 0).known());
  EXPECT_EQ(rate_text(failure_rate(0, 0)), "no history");
  EXPECT_EQ(rate_text(one_in_thirty), "1/30 failed (3.3%, 95% CI 0.6-16.7%)");
}

TEST(FailureRate, SkipErrorAndMissDoNotCount) {
  const FailureRate r = failure_rate_of({P, Verdict::kSkip, F, Verdict::kError, Verdict::kMiss, Verdict::kOom, P});
  EXPECT_EQ(r.runs, 4);
  EXPECT_EQ(r.failures, 2);
}

TEST(JudgeFlip, AFirstFailureIsARegressionHoweverShortTheHistory) {
  for (int n : {1, 2, 30, 100}) {
    const RateJudgement j = judge_flip(repeated(P, n), F);
    EXPECT_FALSE(j.within) << n;
    EXPECT_EQ(j.before.failures, 0);
  }
  EXPECT_FALSE(judge_flip({}, F).within);
}

TEST(JudgeFlip, AFailureTheOldRateExplainsIsWithinItAndASecondInARowIsNot) {
  std::vector<Verdict> history = repeated(P, 29);
  history.insert(history.begin() + 10, F);  // 1 in 30
  const RateJudgement once = judge_flip(history, F);
  EXPECT_TRUE(once.within);
  EXPECT_EQ(once.streak, 1);
  EXPECT_NEAR(once.chance, 0.1667, 0.0005);
  history.push_back(F);  // failed last night too: the streak is two now
  const RateJudgement twice = judge_flip(history, F);
  EXPECT_EQ(twice.streak, 2);
  EXPECT_EQ(twice.before.runs, 30);  // the rate before the streak
  EXPECT_NEAR(twice.chance, 0.0278, 0.0005);
  EXPECT_FALSE(twice.within);
}

TEST(JudgeFlip, ARareFailureIsStillARegressionAndTheWindowIsTheLast200) {
  std::vector<Verdict> history = repeated(P, 99);
  history.insert(history.begin(), F);  // 1 in 100: upper bound 5.4%, within
  EXPECT_TRUE(judge_flip(history, F).within);
  history = repeated(P, 199);
  history.push_back(F);
  history.push_back(P);  // 1 in 201: upper bound 2.8%, a regression
  EXPECT_FALSE(judge_flip(history, F).within);
  history = repeated(P, 300);
  history.insert(history.begin(), F);  // the failure fell out of the window
  const RateJudgement j = judge_flip(history, F);
  EXPECT_EQ(j.before.runs, kRateWindow);
  EXPECT_FALSE(j.within);
}

TEST(JudgeFlip, APassAfterFailuresIsJudgedByThePassRate) {
  std::vector<Verdict> flaky = {P, F, P, F, F, P, F};
  EXPECT_TRUE(judge_flip(flaky, P).within);                    // it passes often enough
  EXPECT_FALSE(judge_flip(repeated(F, 40), P).within);         // it never passed: a fix
  EXPECT_FALSE(judge_flip({P, F, F}, Verdict::kSkip).within);  // only PASS and failures are judged
}

TEST(JudgeFlip, SkipsAndErrorsNeitherCountNorBreakTheStreak) {
  std::vector<Verdict> history = repeated(P, 29);
  history.insert(history.begin() + 3, F);
  history.push_back(F);
  history.push_back(Verdict::kError);
  const RateJudgement j = judge_flip(history, F);
  EXPECT_EQ(j.streak, 2);
  EXPECT_FALSE(j.within);
}

}  // namespace
}  // namespace kmx
