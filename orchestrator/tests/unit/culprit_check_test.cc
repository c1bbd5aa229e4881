// bisect/culprit_check: a culprit holds up only when its parent reruns old,
// it reruns new, and its diff touches something that is built.
#include "bisect/culprit_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmx {
namespace {

using ::testing::HasSubstr;
using V = Verdict;

// kmod:0009 bisected between kmod v30 (FAIL) and v34.2 (PASS).
const Behaviour kFixBisection = behaviour_from({V::kFail, V::kFail}, {V::kPass, V::kPass});

TEST(CulpritCheck, ParentOldAndCulpritNewEveryTimeIsReproduced) {
  const CulpritCheck c = check_culprit(kFixBisection, {V::kFail, V::kFail, V::kFail}, {V::kPass, V::kPass, V::kPass},
                                       {"libkmod/libkmod-module.c"});
  EXPECT_TRUE(c.reproduced);
  EXPECT_DOUBLE_EQ(c.confidence, 1.0);
  EXPECT_THAT(c.note, HasSubstr("the parent ran FAIL 3 of 3, the culprit PASS 3 of 3"));
}

TEST(CulpritCheck, AParentThatAlsoShowsTheNewBehaviourIsNotReproduced) {
  const CulpritCheck c = check_culprit(kFixBisection, {V::kFail, V::kPass, V::kFail}, {V::kPass, V::kPass, V::kPass},
                                       {"libkmod/libkmod.c"});
  EXPECT_FALSE(c.reproduced);
  EXPECT_NEAR(c.confidence, 5.0 / 6.0, 1e-9);
  EXPECT_THAT(c.note, HasSubstr("the test is flaky"));
}

TEST(CulpritCheck, HarnessErrorsAreLeftOutOfTheCount) {
  const CulpritCheck c = check_culprit(kFixBisection, {V::kFail, V::kError, V::kFail}, {V::kPass, V::kPass, V::kPass},
                                       {"tools/modprobe.c"});
  EXPECT_TRUE(c.reproduced);
  EXPECT_DOUBLE_EQ(c.confidence, 1.0);
}

// A failure that shows in some runs only: the culprit must show it once, the
// parent never.
TEST(CulpritCheck, AHidingFailureNeedsToShowOnceAtTheCulpritAndNeverAtItsParent) {
  const Behaviour flaky = behaviour_from({V::kPass, V::kPass}, {V::kFail, V::kPass});
  EXPECT_TRUE(check_culprit(flaky, {V::kPass, V::kPass, V::kPass}, {V::kPass, V::kFail, V::kPass}, {"a.c"}).reproduced);
  EXPECT_FALSE(
      check_culprit(flaky, {V::kPass, V::kPass, V::kPass}, {V::kPass, V::kPass, V::kPass}, {"a.c"}).reproduced);
  EXPECT_FALSE(
      check_culprit(flaky, {V::kPass, V::kFail, V::kPass}, {V::kFail, V::kFail, V::kFail}, {"a.c"}).reproduced);
}

TEST(CulpritCheck, AManPageOnlyCulpritCannotExplainTheChange) {
  const CulpritCheck c = check_culprit(kFixBisection, {V::kFail, V::kFail, V::kFail}, {V::kPass, V::kPass, V::kPass},
                                       {"man/depmod.d.xml"});
  EXPECT_FALSE(c.reproduced);
  EXPECT_DOUBLE_EQ(c.confidence, 0.0);
  EXPECT_THAT(c.note, HasSubstr("changes only files nothing is built from (man/depmod.d.xml)"));
}

TEST(CulpritCheck, WhatIsBuiltAndWhatIsNot) {
  EXPECT_TRUE(changes_nothing_built({"man/modprobe.d.xml", "NEWS", "README.md", "Documentation/kbuild/modules.rst"}));
  EXPECT_FALSE(changes_nothing_built({"man/modprobe.d.xml", "libkmod/libkmod.c"}));
  EXPECT_FALSE(changes_nothing_built({"tools/testing/selftests/kmod/kmod.sh"}));  // the test itself
  EXPECT_FALSE(changes_nothing_built({}));
}

}  // namespace
}  // namespace kmx
