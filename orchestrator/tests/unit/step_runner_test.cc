// bisect/step_runner: N runs of a step, stopping once a mark decides it,
// and its outcome.
#include "bisect/step_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_step_runner.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using testing::FakeClock;
using testing::FakeStepRunner;
using ::testing::HasSubstr;
using ::testing::Pair;
constexpr Verdict P = Verdict::kPass, F = Verdict::kFail;

StepRecord record(const std::string& commit) { return StepRecord{commit, "subject", "step", {}, {}, "", 1.0, 0}; }

class StepRunnerTest : public ::testing::Test {
 protected:
  StepContext ctx() {
    return StepContext{clock_, [this] { ++saves_; }, &stop_, "kmod"};
  }
  FakeClock clock_;
  std::atomic<bool> stop_{false};
  int saves_ = 0;
  const Behaviour flaky_ = behaviour_from({P, P}, {F, P});  // FAIL in half the new end's runs
};

TEST_F(StepRunnerTest, StopsOnceAFailureShows) {
  FakeStepRunner runner([](const std::string&, int run) { return run == 2 ? F : P; });
  StepRecord r = record("c1");
  ASSERT_TRUE(test_step(runner, flaky_, r, 5, ctx()));
  EXPECT_EQ(r.outcome, StepOutcome::kNew);
  EXPECT_EQ(r.runs.size(), 2u);
  EXPECT_THAT(r.reason, HasSubstr("FAIL 1 of 2"));
  EXPECT_THAT(r.reason, HasSubstr("stopped after 2 of 5 runs"));
  EXPECT_EQ(saves_, 3);  // after each run, and the outcome
}

TEST_F(StepRunnerTest, RunsEveryRunWhenNothingShowsAndSaysHowSure) {
  FakeStepRunner runner([](const std::string&, int) { return P; });
  runner.clock = &clock_;
  StepRecord r = record("c1");
  ASSERT_TRUE(test_step(runner, flaky_, r, 5, ctx()));
  EXPECT_EQ(r.outcome, StepOutcome::kOld);
  EXPECT_EQ(r.runs.size(), 5u);
  EXPECT_NEAR(r.confidence, 1 - 1.0 / 32, 1e-9);
  EXPECT_DOUBLE_EQ(r.seconds, 300);
  EXPECT_EQ(r.runs[4].run_dir, "steps/c1/run-5");
}

TEST_F(StepRunnerTest, ARevisionThatDoesNotBuildIsASkipWithTheFirstLineOfWhy) {
  FakeStepRunner runner([](const std::string&, int) { return P; });
  runner.unbuildable = {"c1"};
  StepRecord r = record("c1");
  ASSERT_TRUE(test_step(runner, flaky_, r, 5, ctx()));
  EXPECT_EQ(r.outcome, StepOutcome::kSkip);
  EXPECT_EQ(r.reason, "the kmod does not build: make: *** [Makefile:12: all] Error 2");
  EXPECT_EQ(runner.asked.size(), 1u);
}

TEST_F(StepRunnerTest, HarnessErrorsAreASkipNamingTheEvidence) {
  FakeStepRunner runner([](const std::string&, int) { return Verdict::kError; });
  StepRecord r = record("c1");
  ASSERT_TRUE(test_step(runner, behaviour_from({P}, {F}), r, 1, ctx()));
  EXPECT_EQ(r.outcome, StepOutcome::kSkip);
  EXPECT_THAT(r.reason, HasSubstr("boot-timeout"));
}

TEST_F(StepRunnerTest, AnInterruptedStepKeepsItsRunsAndResumesAfterThem) {
  FakeStepRunner first([](const std::string&, int) { return P; });
  first.stop = &stop_;
  first.stop_after = 3;
  StepRecord r = record("c1");
  EXPECT_FALSE(test_step(first, flaky_, r, 5, ctx()));
  EXPECT_FALSE(r.outcome);
  EXPECT_EQ(r.runs.size(), 2u);
  stop_ = false;
  FakeStepRunner second([](const std::string&, int) { return P; });
  ASSERT_TRUE(test_step(second, flaky_, r, 5, ctx()));
  EXPECT_THAT(second.asked, ElementsAre(Pair("c1", 3), Pair("c1", 4), Pair("c1", 5)));
  EXPECT_EQ(r.outcome, StepOutcome::kOld);
}

TEST_F(StepRunnerTest, ADecidedStepIsNotRunAgain) {
  FakeStepRunner runner([](const std::string&, int) { return P; });
  StepRecord r = record("c1");
  r.outcome = StepOutcome::kNew;
  EXPECT_TRUE(test_step(runner, flaky_, r, 5, ctx()));
  EXPECT_TRUE(runner.asked.empty());
}

}  // namespace
}  // namespace kmx
