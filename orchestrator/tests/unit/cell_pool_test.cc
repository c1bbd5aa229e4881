#include "run/cell_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "fakes.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using testing::FakeClock;

// The pool starts cells side by side while they fit, and no more.
class CellPoolTest : public ::testing::Test {
 protected:
  // Runs `cells` cells of 1 vCPU each under `budget`; each waits until
  // `together` are running (or 2 s pass) so overlap is observable.
  int max_running(HostBudget budget, std::size_t cells, int together) {
    CellScheduler scheduler(budget, std::vector<CellDemand>(cells, CellDemand{1, 512}));
    std::vector<std::string> ids(cells, "cell");
    std::mutex mutex;
    std::condition_variable changed;
    int running = 0, peak = 0;
    run_cell_pool(
        scheduler, ids,
        [&](const Placement&) {
          std::unique_lock lock(mutex);
          peak = std::max(peak, ++running);
          changed.notify_all();
          changed.wait_for(lock, std::chrono::seconds(2), [&] { return peak >= together; });
          --running;
          return CellOutcome::kDone;
        },
        clock_, nullptr);
    return peak;
  }
  FakeClock clock_;
};

TEST_F(CellPoolTest, CellsThatFitRunTogether) { EXPECT_EQ(max_running({4, 4096, 2}, 4, 2), 2); }

TEST_F(CellPoolTest, JobsOneRunsCellsOneAfterAnother) { EXPECT_EQ(max_running({4, 4096, 1}, 3, 1), 1); }

TEST_F(CellPoolTest, MemoryBudgetLimitsTheOverlap) { EXPECT_EQ(max_running({4, 1024, 4}, 4, 2), 2); }

// Issue 14: whatever run_one throws, even no std::exception, stays in the pool.
TEST_F(CellPoolTest, AThrowingCellNeitherEndsThePoolNorStopsTheOthers) {
  CellScheduler scheduler({4, 4096, 1}, std::vector<CellDemand>(3, CellDemand{1, 512}));
  std::vector<std::size_t> ran;
  const std::size_t done = run_cell_pool(
      scheduler, {"a", "b", "c"},
      [&](const Placement& where) {
        ran.push_back(where.cell);
        if (where.cell == 0) throw 42;
        if (where.cell == 1) throw std::logic_error("bug");
        return CellOutcome::kDone;
      },
      clock_, nullptr);
  EXPECT_EQ(done, 3u);
  EXPECT_THAT(ran, ElementsAre(0u, 1u, 2u));
}

TEST_F(CellPoolTest, StopStartsNoFurtherCell) {
  CellScheduler scheduler({4, 4096, 1}, std::vector<CellDemand>(3, CellDemand{1, 512}));
  std::atomic<bool> stop{false};
  std::vector<std::size_t> ran;
  const std::size_t done = run_cell_pool(
      scheduler, {"a", "b", "c"},
      [&](const Placement& where) {
        ran.push_back(where.cell);
        stop = true;
        return CellOutcome::kDone;
      },
      clock_, &stop);
  EXPECT_EQ(done, 1u);
  EXPECT_EQ(ran.size(), 1u);
}

// A cell whose host is lost runs again on the host left, and only there.
TEST_F(CellPoolTest, ACellOfALostHostMovesToTheHostLeft) {
  CellScheduler scheduler({{4, 4096, 0}, {4, 4096, 0}}, std::vector<CellDemand>(3, CellDemand{1, 512}), 1);
  std::vector<Placement> ran;
  const std::size_t done = run_cell_pool(
      scheduler, {"a", "b", "c"},
      [&](const Placement& where) {
        ran.push_back(where);
        return where.host == 0 ? CellOutcome::kHostLost : CellOutcome::kDone;
      },
      clock_, nullptr);
  EXPECT_EQ(done, 3u);
  ASSERT_EQ(ran.size(), 4u);
  EXPECT_EQ(ran[0], (Placement{0, 0}));
  EXPECT_EQ(ran[1], (Placement{0, 1}));  // the lost cell first, on the other host
  EXPECT_EQ(ran[2].host, 1u);
  EXPECT_EQ(ran[3].host, 1u);
}

TEST_F(CellPoolTest, EveryHostLostEndsThePoolWithCellsLeft) {
  CellScheduler scheduler({4, 4096, 1}, std::vector<CellDemand>(3, CellDemand{1, 512}));
  int calls = 0;
  const std::size_t done = run_cell_pool(
      scheduler, {"a", "b", "c"},
      [&](const Placement&) {
        ++calls;
        return CellOutcome::kHostLost;
      },
      clock_, nullptr);
  EXPECT_EQ(done, 0u);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(scheduler.all_started());
  EXPECT_EQ(scheduler.hosts_left(), 0u);
}

// While the only slot is busy, the pool names the next cell, once, before it
// starts; the last cell has nothing after it.
TEST_F(CellPoolTest, TheNextCellIsNamedAheadOnceWhileTheSlotIsBusy) {
  CellScheduler scheduler({4, 4096, 1}, std::vector<CellDemand>(3, CellDemand{1, 512}));
  std::vector<std::string> events;
  std::mutex mutex;
  run_cell_pool(
      scheduler, {"a", "b", "c"},
      [&](const Placement& where) {
        std::lock_guard lock(mutex);
        events.push_back("run " + std::to_string(where.cell));
        return CellOutcome::kDone;
      },
      clock_, nullptr, nullptr,
      [&](const Placement& where) {
        std::lock_guard lock(mutex);
        events.push_back("ahead " + std::to_string(where.cell));
      });
  // Each "ahead" comes while its predecessor is running: before, or racing
  // with, its "run" line; never twice, never for the first cell.
  EXPECT_EQ(std::count(events.begin(), events.end(), "ahead 0"), 0);
  EXPECT_EQ(std::count(events.begin(), events.end(), "ahead 1"), 1);
  EXPECT_EQ(std::count(events.begin(), events.end(), "ahead 2"), 1);
  const auto at = [&](const std::string& e) { return std::find(events.begin(), events.end(), e) - events.begin(); };
  EXPECT_LT(at("ahead 1"), at("run 1"));
  EXPECT_LT(at("ahead 2"), at("run 2"));
}

TEST_F(CellPoolTest, NothingIsNamedAheadAfterAStop) {
  CellScheduler scheduler({4, 4096, 1}, std::vector<CellDemand>(3, CellDemand{1, 512}));
  std::atomic<bool> stop{true};
  int named = 0;
  run_cell_pool(
      scheduler, {"a", "b", "c"}, [&](const Placement&) { return CellOutcome::kDone; }, clock_, &stop, nullptr,
      [&](const Placement&) { ++named; });
  EXPECT_EQ(named, 0);
}

// What the ahead hook throws costs the guess, not the run.
TEST_F(CellPoolTest, AThrowingAheadHookLeavesTheRunWhole) {
  CellScheduler scheduler({4, 4096, 1}, std::vector<CellDemand>(2, CellDemand{1, 512}));
  const std::size_t done = run_cell_pool(
      scheduler, {"a", "b"}, [&](const Placement&) { return CellOutcome::kDone; }, clock_, nullptr, nullptr,
      [&](const Placement&) { throw std::runtime_error("no"); });
  EXPECT_EQ(done, 2u);
}

}  // namespace
}  // namespace kmx
