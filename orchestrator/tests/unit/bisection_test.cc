// bisect/bisection: which commit to test next and what the outcomes prove.
#include "bisect/bisection.h"

#include <gtest/gtest.h>

#include <bit>
#include <set>

namespace kmx {
namespace {

// Bisects `count` positions whose first new one is `first_new`, with
// `skipped` untestable; returns the range it ends with and counts steps.
Bisection::Range bisect(std::size_t count, std::size_t first_new, const std::set<std::size_t>& skipped = {},
                        int* steps = nullptr) {
  Bisection b(count);
  int n = 0;
  while (auto next = b.next()) {
    ++n;
    if (skipped.count(*next))
      b.record(*next, StepOutcome::kSkip);
    else
      b.record(*next, *next >= first_new ? StepOutcome::kNew : StepOutcome::kOld);
    if (n > 100) break;
  }
  if (steps) *steps = n;
  return b.range();
}

TEST(Bisection, FindsEveryPositionWithinLog2Steps) {
  for (std::size_t count = 1; count <= 40; ++count)
    for (std::size_t first_new = 0; first_new < count; ++first_new) {
      int steps = 0;
      const auto r = bisect(count, first_new, {}, &steps);
      EXPECT_TRUE(r.found()) << count << " " << first_new;
      EXPECT_EQ(r.first, first_new) << count;
      EXPECT_LE(steps, static_cast<int>(std::bit_width(count - 1))) << count << " " << first_new;
    }
}

TEST(Bisection, TheLastPositionIsKnownNew) {
  Bisection b(1);
  EXPECT_FALSE(b.next());
  EXPECT_TRUE(b.range().found());
  EXPECT_EQ(b.range().first, 0u);
  Bisection c(5);
  c.record(4, StepOutcome::kOld);  // the new end stays new whatever is recorded
  EXPECT_EQ(c.range().last, 4u);
}

TEST(Bisection, TestsTheMiddleFirst) {
  EXPECT_EQ(Bisection(8).next(), 3u);  // 0..3 new or 4..7 new: four each
  EXPECT_EQ(Bisection(2).next(), 0u);
}

TEST(Bisection, StepsAroundASkippedMiddle) {
  Bisection b(8);
  b.record(3, StepOutcome::kSkip);
  EXPECT_EQ(b.next(), 4u);
  b.record(4, StepOutcome::kSkip);
  EXPECT_EQ(b.next(), 2u);
}

TEST(Bisection, SkippedNeighboursLeaveARange) {
  // First new at 5; 4 cannot be tested: 4 or 5, git can say no more.
  const auto r = bisect(10, 5, {4});
  EXPECT_FALSE(r.found());
  EXPECT_EQ(r.first, 4u);
  EXPECT_EQ(r.last, 5u);
}

TEST(Bisection, ASkipAwayFromTheAnswerCostsNothing) {
  const auto r = bisect(10, 5, {7, 2});
  EXPECT_TRUE(r.found());
  EXPECT_EQ(r.first, 5u);
}

TEST(Bisection, EverythingSkippedIsTheWholeRange) {
  Bisection b(4);
  for (std::size_t i : {0u, 1u, 2u}) b.record(i, StepOutcome::kSkip);
  EXPECT_FALSE(b.next());
  EXPECT_EQ(b.range().first, 0u);
  EXPECT_EQ(b.range().last, 3u);
}

TEST(Bisection, CountsWhatIsLeft) {
  Bisection b(9);  // 8 untested before the new end
  EXPECT_EQ(b.untested(), 8u);
  EXPECT_EQ(b.steps_left(), 4);  // 9 candidates: up to 4 steps
  b.record(3, StepOutcome::kOld);
  EXPECT_EQ(b.untested(), 4u);
  EXPECT_EQ(b.steps_left(), 3);
}

TEST(Bisection, AnOldAfterANewIsAContradiction) {
  Bisection b(10);
  b.record(4, StepOutcome::kNew);
  EXPECT_FALSE(b.contradicted());
  b.record(6, StepOutcome::kOld);
  EXPECT_TRUE(b.contradicted());
  EXPECT_EQ(b.range().last, 4u);  // the first new bounds the range
}

TEST(Bisection, OutcomeNamesRoundTrip) {
  for (StepOutcome o : {StepOutcome::kOld, StepOutcome::kNew, StepOutcome::kSkip})
    EXPECT_EQ(parse_step_outcome(to_string(o)), o);
  EXPECT_FALSE(parse_step_outcome("bad"));
}

}  // namespace
}  // namespace kmx
