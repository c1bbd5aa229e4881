#include "run/cell_scheduler.h"

#include <gtest/gtest.h>

namespace kmx {
namespace {

TEST(CellScheduler, OneJobRunsCellsOneAtATime) {
  CellScheduler s({8, 16384, 1}, {{1, 512}, {2, 1024}});
  auto first = s.start_next();
  ASSERT_TRUE(first);
  EXPECT_FALSE(s.start_next());
  s.finished(*first);
  EXPECT_TRUE(s.start_next());
  EXPECT_TRUE(s.all_started());
}

TEST(CellScheduler, LargestCellStartsFirst) {
  CellScheduler s({8, 16384, 4}, {{1, 512}, {2, 1024}, {1, 1024}});
  EXPECT_EQ(s.start_next(), 1u);
  EXPECT_EQ(s.start_next(), 2u);
  EXPECT_EQ(s.start_next(), 0u);
}

TEST(CellScheduler, CellsShareTheHostWithinVcpuBudget) {
  // Two host CPUs: two 1-vCPU cells together, but not a third.
  CellScheduler s({2, 16384, 8}, {{1, 512}, {1, 512}, {1, 512}});
  ASSERT_TRUE(s.start_next());
  ASSERT_TRUE(s.start_next());
  EXPECT_FALSE(s.start_next());
  EXPECT_EQ(s.running(), 2);
}

TEST(CellScheduler, MemoryBudgetKeepsBigCellsApart) {
  CellScheduler s({8, 1500, 8}, {{1, 1024}, {1, 1024}});
  auto first = s.start_next();
  ASSERT_TRUE(first);
  EXPECT_FALSE(s.start_next());
  s.finished(*first);
  EXPECT_TRUE(s.start_next());
}

TEST(CellScheduler, CellLargerThanTheBudgetStillRunsAlone) {
  CellScheduler s({2, 1000, 4}, {{4, 4096}, {1, 256}});
  EXPECT_EQ(s.start_next(), 0u);  // alone, although over budget
  EXPECT_FALSE(s.start_next());   // nothing may join it
}

}  // namespace
}  // namespace kmx
