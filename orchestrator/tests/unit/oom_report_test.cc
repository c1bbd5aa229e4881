// verdict/oom_report: the OOM killer's victim line.
#include "verdict/oom_report.h"

#include <gtest/gtest.h>

namespace kmx {
namespace {

TEST(ParseOomVictim, ReadsTheVictimAndItsSizes) {
  const auto j = parse_oom_victim(
      "[  132.058680] Out of memory: Killed process 281 (modprobe) total-vm:18580kB, anon-rss:10952kB, "
      "file-rss:8kB, shmem-rss:3092kB, UID:0 pgtables:80kB oom_score_adj:0");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->pid, 281);
  EXPECT_EQ(j->victim, "modprobe");
  EXPECT_EQ(j->total_vm_kib, 18580);
  EXPECT_EQ(j->anon_rss_kib, 10952);
  EXPECT_EQ(j->file_rss_kib, 8);
  EXPECT_EQ(j->shmem_rss_kib, 3092);
}

TEST(ParseOomVictim, AHostileCommIsBoundedAndEscaped) {
  const auto j =
      parse_oom_victim("Out of memory: Killed process 5 (\x1b[31m" + std::string(500, 'x') + ") total-vm:1kB");
  ASSERT_TRUE(j);
  EXPECT_LE(j->victim.size(), 40u);
  EXPECT_EQ(j->victim.find('\x1b'), std::string::npos);
}

TEST(ParseOomVictim, ALineWithoutAVictimGivesNothing) {
  EXPECT_FALSE(parse_oom_victim("modprobe invoked oom-killer: gfp_mask=0x140cca"));
  EXPECT_FALSE(parse_oom_victim("Out of memory: Killed process (x"));
}

}  // namespace
}  // namespace kmx
