// results/run_merge: shard runs joined in matrix order with their cell
// directories, and what merge refuses.
#include "results/run_merge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "sample_shards.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using namespace kmx::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class RunMerge : public ::testing::Test {
 protected:
  fs::path shard(const std::string& id, int k, int n, const std::vector<std::size_t>& cells,
                 std::string_view matrix = kThreeCellMatrix) {
    return write_shard_run(dir_.path() / "shards", id, k, n, cells, matrix);
  }
  MergedRun merge(const std::vector<fs::path>& dirs) {
    std::vector<ShardRun> runs;
    for (const auto& d : dirs) runs.push_back(read_shard_run(d));
    return merge_shard_runs(runs, kThreeCells, "20261130-030000-1");
  }
  std::string refusal(const std::vector<fs::path>& dirs) {
    try {
      merge(dirs);
    } catch (const MergeError& e) {
      return e.what();
    }
    return "(merged)";
  }
  ScratchDir dir_;
};

TEST_F(RunMerge, ShardsJoinInMatrixOrderWhateverOrderTheyAreGiven) {
  const auto a = shard("s1", 1, 2, {2, 0});
  const auto b = shard("s2", 2, 2, {1});
  const MergedRun merged = merge({b, a});
  std::vector<std::string> ids;
  for (const auto& c : merged.run.cells) ids.push_back(c.cell.id());
  EXPECT_EQ(ids, kThreeCells);
  EXPECT_EQ(merged.run.cells[2].cell.index, 2);
  EXPECT_THAT(merged.run.merged_from, ElementsAre("s1", "s2"));  // by shard index
  EXPECT_THAT(merged.run.absent_cells, IsEmpty());
  EXPECT_EQ(merged.run.run_id, "20261130-030000-1");
  EXPECT_FALSE(merged.run.shard.has_value());
  EXPECT_EQ(merged.cell_dirs.at(1), (std::pair<std::string, fs::path>{kThreeCells[1], b}));
}

TEST_F(RunMerge, TheMergedRunHasTheUnshardedRunsCellsAndVerdicts) {
  const MergedRun merged = merge({shard("s1", 1, 2, {0, 2}), shard("s2", 2, 2, {1})});
  RunResult whole = whole_night("whole");
  ASSERT_EQ(merged.run.cells.size(), whole.cells.size());
  for (std::size_t i = 0; i < whole.cells.size(); ++i) {
    ASSERT_EQ(merged.run.cells[i].tests.size(), whole.cells[i].tests.size());
    for (std::size_t t = 0; t < whole.cells[i].tests.size(); ++t)
      EXPECT_EQ(merged.run.cells[i].tests[t].verdict, whole.cells[i].tests[t].verdict) << i << " " << t;
  }
  EXPECT_EQ(merged.run.unexpected_count(), whole.unexpected_count());
  EXPECT_EQ(merged.run.started_at, "2026-11-30T01:01:00Z");   // the earliest shard's start
  EXPECT_EQ(merged.run.finished_at, "2026-11-30T02:02:00Z");  // the latest shard's end
  EXPECT_EQ(merged.run.matrix_name, "nightly");
  EXPECT_EQ(merged.run.host.hostname, "ci-runner-3");
}

TEST_F(RunMerge, AMissingShardLeavesItsCellsAbsentAndRecorded) {
  const MergedRun merged = merge({shard("s1", 1, 3, {0}), shard("s3", 3, 3, {2})});
  EXPECT_EQ(merged.run.cells.size(), 2u);
  EXPECT_THAT(merged.run.absent_cells, ElementsAre("k2.kmod-30.1cpu.512M"));
}

TEST_F(RunMerge, ShardsOfDifferentMatricesAreRefusedNamingBoth) {
  const auto a = shard("s1", 1, 2, {0});
  const auto b = shard("s2", 2, 2, {1}, std::string(kThreeCellMatrix) + "# edited\n");
  const std::string error = refusal({a, b});
  EXPECT_THAT(error, HasSubstr("shards of different matrices"));
  EXPECT_THAT(error, HasSubstr(a.string()));
  EXPECT_THAT(error, HasSubstr(b.string()));
  EXPECT_THAT(error, HasSubstr("fix: "));
}

TEST_F(RunMerge, OverlappingCellsAreRefusedNamingTheCellAndBothRuns) {
  const auto a = shard("s1", 1, 2, {0, 1});
  const auto b = shard("s2", 2, 2, {1, 2});
  const std::string error = refusal({a, b});
  EXPECT_THAT(error, HasSubstr("cell k2.kmod-30.1cpu.512M is in both " + a.string() + " (shard 1/2) and " + b.string() +
                               " (shard 2/2)"));
  EXPECT_THAT(error, HasSubstr("fix: merge each shard once"));
}

TEST_F(RunMerge, TheSameRunTwiceIsRefused) {
  const auto a = shard("s1", 1, 2, {0});
  EXPECT_THAT(refusal({a, a}), HasSubstr("run s1 is given twice"));
}

TEST_F(RunMerge, ACellTheMatrixDoesNotHaveIsRefused) {
  const auto a = shard("s1", 1, 1, {0});
  std::vector<ShardRun> runs = {read_shard_run(a)};
  try {
    merge_shard_runs(runs, {kThreeCells[1]}, "r");
    FAIL() << "merged";
  } catch (const MergeError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cell k1.kmod-30.1cpu.512M of " + a.string() + " is not a cell of matrix"));
  }
}

TEST_F(RunMerge, ARunDirectoryWithoutResultsIsRefusedByName) {
  fs::create_directories(dir_.path() / "empty");
  try {
    read_shard_run(dir_.path() / "empty");
    FAIL() << "read";
  } catch (const MergeError& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir_.path() / "empty").string() + " has no results.json"));
    EXPECT_THAT(e.what(), HasSubstr("fix: "));
  }
}

TEST_F(RunMerge, TheMergedDirectoryHoldsTheMatrixAndEveryFileItsCellsName) {
  const auto a = shard("s1", 1, 2, {0, 2});
  const auto b = shard("s2", 2, 2, {1});
  const MergedRun merged = merge({a, b});
  const fs::path out = dir_.path() / "results" / merged.run.run_id;
  assemble_merged_dir(merged, a / "matrix.toml", out);
  EXPECT_EQ(read_file(out / "matrix.toml"), std::string(kThreeCellMatrix));
  for (const auto& cell : merged.run.cells)
    for (const auto& file : files_named_by(cell)) EXPECT_TRUE(fs::is_regular_file(out / file)) << file;
  const std::string k2_console = "cells/k2.kmod-30.1cpu.512M/boot-1/console.log";
  EXPECT_EQ(read_file(out / k2_console), "output of " + k2_console + " in s2\n");
  EXPECT_FALSE(fs::exists(out / "results.json"));  // the writers' job
}

}  // namespace
}  // namespace kmx
