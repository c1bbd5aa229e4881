// images/kmod_script: kmod.sh's own round counts.
#include "images/kmod_script.h"

#include <gtest/gtest.h>

namespace kmx {
namespace {

TEST(KmodShDefaultRounds, ReadsEveryAllTestsEntry) {
  const auto rounds = kmod_sh_default_rounds(
      "set -e\nALL_TESTS=\"0001:3:1\"\nALL_TESTS=\"$ALL_TESTS 0002:3:1\"\n"
      "ALL_TESTS=\"$ALL_TESTS 0008:150:1\"\n\tALL_TESTS=\"$ALL_TESTS 0009:150:0\"\n");
  EXPECT_EQ(rounds.size(), 4u);
  EXPECT_EQ(rounds.at("kmod:0001"), 3);
  EXPECT_EQ(rounds.at("kmod:0008"), 150);
  EXPECT_EQ(rounds.at("kmod:0009"), 150);
}

TEST(KmodShDefaultRounds, IgnoresWhatIsNotAnEntry) {
  const auto rounds = kmod_sh_default_rounds(
      "# ALL_TESTS=\"0003:1:1\"\nALL_TESTS=\"$ALL_TESTS 00x4:1:1 0005:abc:1 0006 0007:99999999:1 0010:0:1\"\n");
  EXPECT_TRUE(rounds.empty());
  EXPECT_TRUE(kmod_sh_default_rounds("").empty());
}

}  // namespace
}  // namespace kmx
