#include "os/clock.h"

#include <gtest/gtest.h>

namespace kmx {
namespace {

TEST(SecondsSinceProcessStart, IsThisTestProcesssAgeFromProc) {
  const auto age = seconds_since_process_start();
  ASSERT_TRUE(age.has_value());
  // The test binary started before this line and, under any CI, within an hour.
  EXPECT_GE(*age, 0.0);
  EXPECT_LT(*age, 3600.0);
  const auto later = seconds_since_process_start();
  ASSERT_TRUE(later.has_value());
  EXPECT_GE(*later, *age);
}

}  // namespace
}  // namespace kmx
