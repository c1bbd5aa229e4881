// results/run_merge: shard runs joined in matrix order with their cell
// directories, and what merge refuses.
#include "analysis/run_merge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "fakes.h"
#include "sample_shards.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using namespace kmx::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class RunMerge : public ::testing::Test {
 protected:
  fs::path shard(const std::string& id, int k, int n, const std::vector<std::size_t>& cells,
                 std::string_view matrix = kThreeCellMatrix) {
    return write_shard_run(dir_.path() / "shards", id, k, n, cells, matrix);
  }
  MergedRun merge(const std::vector<fs::path>& dirs) {
    std::vector<ShardRun> runs;
    for (const auto& d : dirs) runs.push_back(read_shard_run(d));
    return merge_shard_runs(runs, three_cells(), "20261130-030000-1");
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

// Issue 29: a lost shard passed (exit 0, the absent cells only on stderr).
// Its cells are in the merged run, every test MISS and unexpected.
TEST_F(RunMerge, AMissingShardsCellsAreThereWithEveryTestMissAndUnexpected) {
  const MergedRun merged = merge({shard("s1", 1, 3, {0}), shard("s3", 3, 3, {2})});
  ASSERT_EQ(merged.run.cells.size(), 3u);
  EXPECT_THAT(merged.run.absent_cells, ElementsAre("k2.kmod-30.1cpu.512M"));
  const CellResult& k2 = merged.run.cells[1];
  EXPECT_EQ(k2.cell.id(), "k2.kmod-30.1cpu.512M");
  ASSERT_EQ(k2.tests.size(), 2u);
  for (const auto& t : k2.tests) {
    EXPECT_EQ(t.verdict, Verdict::kMiss);
    EXPECT_FALSE(t.as_expected);
    EXPECT_THAT(t.evidence, HasSubstr("not run"));
  }
  EXPECT_EQ(merged.run.unexpected_count(), 2u);
  EXPECT_EQ(merged.cell_dirs.size(), 2u);  // nothing to link for k2
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
    merge_shard_runs(runs, {three_cells()[1]}, "r");
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
  EXPECT_THAT(assemble_merged_dir(merged, read_shard_matrix_copy(a), out), IsEmpty());
  EXPECT_EQ(read_file(out / "matrix.toml"), std::string(kThreeCellMatrix));
  for (const auto& cell : merged.run.cells)
    for (const auto& file : files_named_by(cell)) EXPECT_TRUE(fs::is_regular_file(out / file)) << file;
  const std::string k2_console = "cells/k2.kmod-30.1cpu.512M/boot-1/console.log";
  EXPECT_EQ(read_file(out / k2_console), "output of " + k2_console + " in s2\n");
  EXPECT_FALSE(fs::exists(out / "results.json"));  // the writers' job
}

// Issue 25: a cells/<id> that was a symlink in a shard made merge hard-link
// files from outside the run (a private key ended up in the merged run as
// the same inode). Only what really lies inside each shard is taken.
TEST_F(RunMerge, NothingOutsideAShardIsTakenAndWhatIsLeftOutIsNamed) {
  const auto a = shard("s1", 1, 2, {0, 2});
  const auto b = shard("s2", 2, 2, {1});
  write_file_atomically(dir_.path() / "home/.ssh/id_ed25519", "PRIVATE KEY\n");
  const fs::path k1 = a / "cells/k1.kmod-30.1cpu.512M";
  fs::rename(k1, dir_.path() / "k1-moved");
  fs::create_directory_symlink(dir_.path() / "home/.ssh", k1);  // the whole cell directory
  const fs::path k2 = b / "cells/k2.kmod-30.1cpu.512M";
  fs::create_symlink(dir_.path() / "home/.ssh/id_ed25519", k2 / "tests/stolen.log");  // one file
  fs::create_directory_symlink(dir_.path() / "home", k2 / "home");                    // a directory below
  ASSERT_EQ(::mkfifo((k2 / "fifo").c_str(), 0600), 0);

  const MergedRun merged = merge({a, b});
  const fs::path out = dir_.path() / "results" / merged.run.run_id;
  const auto refused = assemble_merged_dir(merged, read_shard_matrix_copy(a), out);
  EXPECT_THAT(refused, UnorderedElementsAre(HasSubstr("cells/k1.kmod-30.1cpu.512M: a symbolic link, not followed"),
                                            HasSubstr("neither a regular file nor a directory"),
                                            HasSubstr("a symbolic link, not followed"),
                                            HasSubstr("a symbolic link, not followed")));
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    EXPECT_FALSE(entry.is_symlink()) << entry.path();
    if (entry.is_regular_file()) {
      EXPECT_NE(read_file(entry.path()), "PRIVATE KEY\n") << entry.path();
    }
  }
  EXPECT_FALSE(fs::exists(out / "cells/k1.kmod-30.1cpu.512M"));
  EXPECT_TRUE(fs::is_regular_file(out / "cells/k2.kmod-30.1cpu.512M/boot-1/console.log"));
}

TEST_F(RunMerge, AMatrixCopyThatIsASymlinkIsRefused) {
  const auto a = shard("s1", 1, 1, {0, 1, 2});
  write_file_atomically(dir_.path() / "elsewhere.toml", std::string(kThreeCellMatrix));
  fs::remove(a / "matrix.toml");
  fs::create_symlink(dir_.path() / "elsewhere.toml", a / "matrix.toml");
  EXPECT_THROW(read_shard_matrix_copy(a), MergeError);
}

}  // namespace
}  // namespace kmx
