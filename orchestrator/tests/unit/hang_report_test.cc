// verdict/hang_report: the sysrq excerpt and the first blocked stack.
#include "verdict/hang_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmx {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(SysrqExcerpt, StartsAtTheLineOfTheFirstSysrqHeaderAfterTheOffset) {
  const std::string console =
      "[ 1.0] early sysrq: Show State\n[ 5.0] kmod-matrix: begin kmod:0009 n\n[ 9.0] sysrq: Show Blocked State\n"
      "[ 9.0] task:modprobe state:D\n";
  EXPECT_THAT(sysrq_excerpt(console, console.find("kmod-matrix")), StartsWith("[ 9.0] sysrq: Show Blocked State"));
  EXPECT_THAT(sysrq_excerpt(console), StartsWith("[ 1.0] early"));
  EXPECT_EQ(sysrq_excerpt("no dump here\n"), "");
  EXPECT_EQ(sysrq_excerpt(console, 100000), "");
}

TEST(SysrqExcerpt, IsBounded) {
  const std::string console = "sysrq: Show State\n" + std::string(2 * kMaxSysrqExcerptBytes, 'x');
  EXPECT_EQ(sysrq_excerpt(console).size(), kMaxSysrqExcerptBytes);
}

TEST(FirstBlockedStack, PrefersADStateProcessOfTheAgentsDump) {
  const std::string dump =
      "pid 300 (bash) state S pgrp 300 wchan do_wait\n[<0>] do_wait+0x1/0x2\n"
      "pid 311 (modprobe) state D pgrp 300 wchan x\n[<0>] a+0x1/0x2\n[<0>] b+0x1/0x2\n";
  EXPECT_EQ(first_blocked_stack(dump, ""), "pid 311 (modprobe) state D pgrp 300 wchan x; stack: a+0x1/0x2 < b+0x1/0x2");
}

TEST(FirstBlockedStack, FallsBackToTheKernelsDStateTaskThenToTheFirstProcess) {
  const std::string sleeping = "pid 300 (sleep) state S pgrp 300 wchan hrtimer\n[<0>] hrtimer_nanosleep+0x1/0x2\n";
  const std::string sysrq = "[ 9.0] task:modprobe state:D stack:0 pid:311\n[ 9.0]  __schedule+0x1/0x2\n";
  EXPECT_THAT(first_blocked_stack(sleeping, sysrq), StartsWith("task:modprobe state:D"));
  EXPECT_THAT(first_blocked_stack(sleeping, ""), HasSubstr("hrtimer_nanosleep+0x1/0x2"));
  EXPECT_EQ(first_blocked_stack("", ""), "");
}

TEST(FirstBlockedStack, QuotesAtMostFiveFramesOfSanitizedText) {
  std::string dump = "pid 1 (\x01x) state D pgrp 1 wchan w\n";
  for (int i = 0; i < 20; ++i) dump += "[<0>] f" + std::to_string(i) + "+0x1/0x2\n";
  const std::string quoted = first_blocked_stack(dump, "");
  EXPECT_THAT(quoted, HasSubstr("f4+0x1/0x2"));
  EXPECT_EQ(quoted.find("f5+"), std::string::npos);
  EXPECT_EQ(quoted.find('\x01'), std::string::npos);
}

}  // namespace
}  // namespace kmx
