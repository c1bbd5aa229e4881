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
  EXPECT_EQ(s.start_next()->cell, 1u);
  EXPECT_EQ(s.start_next()->cell, 2u);
  EXPECT_EQ(s.start_next()->cell, 0u);
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
  EXPECT_EQ(s.start_next()->cell, 0u);  // alone, although over budget
  EXPECT_FALSE(s.start_next());         // nothing may join it
}

TEST(CellScheduler, CellsSpreadOverHostsByFreeCpus) {
  CellScheduler s({{2, 4096, 0}, {2, 4096, 0}}, std::vector<CellDemand>(4, CellDemand{1, 512}), 8);
  std::vector<std::size_t> hosts;
  while (auto next = s.start_next()) hosts.push_back(next->host);
  EXPECT_EQ(hosts, (std::vector<std::size_t>{0, 1, 0, 1}));
  EXPECT_FALSE(s.start_next());  // both hosts full
}

TEST(CellScheduler, JobsCountOverEveryHost) {
  CellScheduler s({{8, 16384, 0}, {8, 16384, 0}}, std::vector<CellDemand>(4, CellDemand{1, 512}), 2);
  ASSERT_TRUE(s.start_next());
  ASSERT_TRUE(s.start_next());
  EXPECT_FALSE(s.start_next());
}

TEST(CellScheduler, ABigCellGoesWhereItFits) {
  CellScheduler s({{2, 1024, 0}, {8, 16384, 0}}, {{1, 512}, {4, 4096}}, 8);
  EXPECT_EQ(s.start_next(), (Placement{1, 1}));  // never over budget on the small host
  EXPECT_EQ(s.start_next(), (Placement{0, 1}));  // 4 CPUs are still free there, 2 on the other
}

TEST(CellScheduler, ALostHostGetsNoCellAndARequeuedCellRunsElsewhere) {
  CellScheduler s({{2, 4096, 0}, {2, 4096, 0}}, std::vector<CellDemand>(2, CellDemand{1, 512}), 8);
  const auto first = s.start_next();
  ASSERT_EQ(first, (Placement{0, 0}));
  s.finished(*first);
  s.lose_host(0);
  s.requeue(first->cell);
  EXPECT_EQ(s.hosts_left(), 1u);
  EXPECT_EQ(s.start_next(), (Placement{0, 1}));
  EXPECT_EQ(s.start_next(), (Placement{1, 1}));
  EXPECT_TRUE(s.all_started());
}

TEST(CellScheduler, ACellTooBigForTheSmallHostWaitsForTheBigOne) {
  CellScheduler s({{2, 1024, 0}, {4, 4096, 0}}, {{4, 4096}, {4, 4096}}, 8);
  EXPECT_EQ(s.start_next(), (Placement{0, 1}));
  EXPECT_FALSE(s.start_next());  // the small host stays idle rather than overcommit
  s.finished({0, 1});
  EXPECT_EQ(s.start_next(), (Placement{1, 1}));
}

TEST(CellScheduler, NoHostLeftStartsNothing) {
  CellScheduler s({2, 4096, 4}, std::vector<CellDemand>(2, CellDemand{1, 512}));
  s.lose_host(0);
  EXPECT_FALSE(s.start_next());
  EXPECT_FALSE(s.all_started());
}

// peek_next names what start_next will give once a slot frees, and takes nothing.
TEST(CellScheduler, PeekNamesTheNextCellWithoutStartingIt) {
  CellScheduler s({8, 16384, 1}, {{1, 512}, {2, 1024}, {1, 512}});
  const auto running = s.start_next();
  ASSERT_TRUE(running);
  EXPECT_EQ(running->cell, 1u);
  const auto guess = s.peek_next();
  ASSERT_TRUE(guess);
  EXPECT_EQ(*guess, (Placement{0, 0}));
  EXPECT_EQ(s.peek_next(), guess);  // asking twice changes nothing
  EXPECT_FALSE(s.start_next());
  s.finished(*running);
  EXPECT_EQ(s.start_next(), guess);
  EXPECT_EQ(s.peek_next(), (Placement{2, 0}));
}

TEST(CellScheduler, PeekPrefersTheHostWhereTheCellCanEverFit) {
  CellScheduler s({{2, 1024, 0}, {4, 4096, 0}}, {{4, 4096}, {4, 4096}}, 8);
  ASSERT_EQ(s.start_next(), (Placement{0, 1}));
  EXPECT_EQ(s.peek_next(), (Placement{1, 1}));  // not the small host, where it would not start
}

TEST(CellScheduler, PeekNamesNothingWhenNoneWaitsOrNoHostIsLeft) {
  CellScheduler s({2, 4096, 4}, std::vector<CellDemand>(2, CellDemand{1, 512}));
  ASSERT_TRUE(s.start_next());
  ASSERT_TRUE(s.peek_next());
  ASSERT_TRUE(s.start_next());
  EXPECT_FALSE(s.peek_next());
  CellScheduler lost({2, 4096, 4}, std::vector<CellDemand>(2, CellDemand{1, 512}));
  lost.lose_host(0);
  EXPECT_FALSE(lost.peek_next());
}

// Decisions cost the number of shapes, not of cells: a 100,000-cell
// matrix of four shapes is placed in well under a second.
TEST(CellScheduler, ManyCellsOfFewShapes) {
  std::vector<CellDemand> cells;
  for (int i = 0; i < 100000; ++i) cells.push_back({1 + i % 2, 512L << (i % 2 ? 1 : 0)});
  CellScheduler s({{64, 1 << 20, 0}}, cells, 4);
  std::size_t placed = 0;
  while (!s.all_started()) {
    auto next = s.start_next();
    ASSERT_TRUE(next);
    s.finished(*next);
    ++placed;
  }
  EXPECT_EQ(placed, cells.size());
}

}  // namespace
}  // namespace kmx
