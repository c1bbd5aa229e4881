// run/past_durations: what history.db says a cell's tests took, as the
// median of their latest runs, for balancing shards.
#include "run/past_durations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;

Cell cell_of(const std::string& kernel, int vcpus, int memory_mib, std::vector<std::string> tests) {
  Cell c;
  c.kernel.name = kernel;
  c.kmod.name = "kmod-30";
  c.vcpus = vcpus;
  c.memory_mib = memory_mib;
  c.tests = std::move(tests);
  return c;
}

// The sample nightly with kmod:0009 on debian-6.1 taking `seconds`.
RunResult night(int n, double seconds) {
  RunResult run = sample_nightly("n" + std::to_string(n), "2026-11-" + std::to_string(10 + n) + "T01:00:00Z");
  run.cells[0].tests[1].duration_s = seconds;
  return run;
}

class PastDurationsFromHistory : public ::testing::Test {
 protected:
  HistoryStore store() { return HistoryStore::open(dir_.path() / "history.db"); }
  ScratchDir dir_;
  const std::vector<Cell> cells_ = {cell_of("debian-6.1", 1, 512, {"kmod:0001", "kmod:0009"}),
                                    cell_of("debian-6.1", 4, 4096, {"kmod:0009"})};
};

TEST_F(PastDurationsFromHistory, TheMedianOfTheLatestRunsOfEachTestInEachCell) {
  auto s = store();
  const double seconds[] = {900, 10, 100, 20, 30, 40};  // the first falls out of the latest five
  for (int i = 0; i < 6; ++i) s.record_run(night(i, seconds[i]));
  const auto past = past_durations(s, cells_);
  ASSERT_TRUE(past.contains("debian-6.1.kmod-30.1cpu.512M"));
  EXPECT_DOUBLE_EQ(past.at("debian-6.1.kmod-30.1cpu.512M").at("kmod:0009"), 30);
  EXPECT_DOUBLE_EQ(past.at("debian-6.1.kmod-30.1cpu.512M").at("kmod:0001"), 1.5);
  EXPECT_FALSE(past.contains("debian-6.1.kmod-30.4cpu.4096M"));  // never ran in that shape
}

TEST_F(PastDurationsFromHistory, ZeroDurationsAndTestsTheCellDoesNotRunAreLeftOut) {
  auto s = store();
  s.record_run(night(1, 0));
  const std::vector<Cell> only_0001 = {cell_of("debian-6.1", 1, 512, {"kmod:0001"})};
  const auto past = past_durations(s, only_0001);
  EXPECT_EQ(past.at("debian-6.1.kmod-30.1cpu.512M").size(), 1u);
  EXPECT_FALSE(past_durations(s, cells_).at("debian-6.1.kmod-30.1cpu.512M").contains("kmod:0009"));
}

TEST_F(PastDurationsFromHistory, NoHistoryFileMeansNoDurationsAndCreatesNone) {
  EXPECT_TRUE(past_durations_in(dir_.path() / "results", cells_).empty());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "results"));
}

}  // namespace
}  // namespace kmx
