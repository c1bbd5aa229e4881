// verdict/kmod_rounds: kmod.sh's "Running test: kmod_test_NNNN - run #i" lines.
#include "verdict/kmod_rounds.h"

#include <gtest/gtest.h>

namespace kmx {
namespace {

TEST(KmodRoundIndex, ReadsTheRoundOfTheNamedTest) {
  EXPECT_EQ(kmod_round_index("Running test: kmod_test_0009 - run #0", "kmod:0009"), 0);
  EXPECT_EQ(kmod_round_index("Running test: kmod_test_0009 - run #149\r", "kmod:0009"), 149);
}

TEST(KmodRoundIndex, OtherTestsAndOtherLinesAreNotRounds) {
  EXPECT_FALSE(kmod_round_index("Running test: kmod_test_0008 - run #1", "kmod:0009"));
  EXPECT_FALSE(kmod_round_index("Running test: kmod_test_0009 - run #1", "ns:import"));
  EXPECT_FALSE(kmod_round_index("  Running test: kmod_test_0009 - run #1", "kmod:0009"));
  EXPECT_FALSE(kmod_round_index("Running test: kmod_test_0009 - run #", "kmod:0009"));
  EXPECT_FALSE(kmod_round_index("Running test: kmod_test_0009 - run #-1", "kmod:0009"));
  EXPECT_FALSE(kmod_round_index("Running test: kmod_test_0009 - run #1x", "kmod:0009"));
  EXPECT_FALSE(kmod_round_index("Running test: kmod_test_0009 - run #99999999999999", "kmod:0009"));
}

}  // namespace
}  // namespace kmx
