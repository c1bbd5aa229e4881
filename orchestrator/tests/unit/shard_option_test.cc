// cli/shard_option: --shard as run and check take it, the summary they
// print, and shard.json, which keeps a resumed run the same shard.
#include "cli/shard_option.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_matrix.h"
#include "fakes.h"
#include "os/files.h"
#include "sample_shards.h"
#include "store/history_store.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ShardOption, BadInputThrowsTheParsersMessage) {
  try {
    parse_shard_option("2/1");
    FAIL() << "parsed";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("--shard '2/1'"));
    EXPECT_THAT(e.what(), HasSubstr("fix: --shard K/N"));
  }
}

TEST(ShardOption, TheSummaryListsThisShardsCellsAndEveryShardsCost) {
  ScratchDir dir;
  const Matrix matrix = parse_matrix_text(kThreeCellMatrix, "nightly.toml");
  const SelectedShard shard = select_shard(matrix, {2, 2}, dir.path());
  EXPECT_EQ(shard.record.index, 2);
  EXPECT_EQ(shard.record.count, 2);
  EXPECT_EQ(shard.record.basis, "limits");
  // Three equal cells: k1 and k3 to shard 1, k2 to shard 2.
  EXPECT_THAT(shard.record.cells, ElementsAre("k2.kmod-30.1cpu.512M"));
  ASSERT_EQ(shard.summary.size(), 3u);
  EXPECT_EQ(shard.summary[0], "shard 2/2: 1 of 3 cells, estimated from limits");
  EXPECT_EQ(shard.summary[1], "  k2.kmod-30.1cpu.512M");
  EXPECT_EQ(shard.summary[2], "estimated cost per shard: 1/2 40m00s (2 cells), 2/2 20m00s (1 cells)");
}

TEST(ShardOption, HistoryInTheResultsDirectoryChangesTheBasis) {
  ScratchDir dir;
  HistoryStore::open(dir.path() / "history.db").record_run(whole_night("n1"));
  const Matrix matrix = parse_matrix_text(kThreeCellMatrix, "nightly.toml");
  const SelectedShard shard = select_shard(matrix, {1, 2}, dir.path());
  EXPECT_EQ(shard.record.basis, "history");
  EXPECT_THAT(shard.summary.back(), HasSubstr("1/2 6s (2 cells)"));  // two tests of 1.5 s in each cell
}

TEST(ShardOption, TheShardFileReadsBackAsWritten) {
  ScratchDir dir;
  const ShardRecord shard{3, 4, {"a.b.1cpu.512M", "c.d.2cpu.1024M"}, "history"};
  EXPECT_FALSE(read_shard_file(dir.path()).has_value());
  write_shard_file(dir.path(), shard);
  EXPECT_EQ(read_shard_file(dir.path()), shard);
  write_file_atomically(dir.path() / "shard.json", "{\"index\": \"x\"}");
  EXPECT_THROW(read_shard_file(dir.path()), std::runtime_error);
}

}  // namespace
}  // namespace kmx
