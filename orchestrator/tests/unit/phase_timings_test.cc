#include "os/phase_timings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PhaseTimings, KeepsPhasesInTheOrderFirstSeenWithEverySample) {
  PhaseTimings t;
  t.add("b", 1);
  t.add("a", 2);
  t.add("b", 3);
  const auto phases = t.phases();
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].name, "b");
  EXPECT_THAT(phases[0].seconds, ElementsAre(1, 3));
  EXPECT_EQ(phases[1].name, "a");
}

TEST(PhaseTimings, RendersCountTotalMedianAndMax) {
  PhaseTimings t;
  for (double s : {0.4, 0.1, 0.2}) t.add("boot: start", s);
  for (double s : {1.0, 3.0}) t.add("destroy", s);
  const std::string table = t.render();
  EXPECT_THAT(table, HasSubstr("phase"));
  // Odd count: the middle sample; even count: the mean of the middle two.
  EXPECT_THAT(table, HasSubstr("boot: start                                       3     0.700     0.200     0.400"));
  EXPECT_THAT(table, HasSubstr("destroy                                           2     4.000     2.000     3.000"));
}

TEST(PhaseSpan, AddsItsLifetimeAndDoesNothingWithoutATable) {
  PhaseTimings t;
  { PhaseSpan span(&t, "work"); }
  { PhaseSpan span(nullptr, "ignored"); }
  const auto phases = t.phases();
  ASSERT_EQ(phases.size(), 1u);
  EXPECT_EQ(phases[0].name, "work");
  EXPECT_GE(phases[0].seconds.at(0), 0.0);
  EXPECT_LT(phases[0].seconds.at(0), 1.0);
}

}  // namespace
}  // namespace kmx
