// cli/merge_command: shard run directories joined under --results, recorded
// in history.db, reported, and refused on bad input without a trace.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "command_line.h"
#include "fakes.h"
#include "report_test_support.h"
#include "sample_shards.h"
#include "store/history_store.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using namespace kmx::testing;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class MergeCommand : public ::testing::Test {
 protected:
  fs::path shard(const std::string& id, int k, int n, const std::vector<std::size_t>& cells,
                 std::string_view matrix = kThreeCellMatrix) {
    return write_shard_run(dir_.path() / "shards", id, k, n, cells, matrix);
  }
  fs::path results() const { return dir_.path() / "results"; }
  // Runs merge with stdout and stderr captured.
  int merge(std::vector<std::string> args) {
    args.insert(args.begin(), "merge");
    args.insert(args.end(), {"--results", results().string()});
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    int code = -1;
    try {
      code = run_command_line(args);
    } catch (const std::exception& e) {
      error_ = e.what();  // main maps it to exit 2
      code = kExitBadInput;
    }
    out_ = ::testing::internal::GetCapturedStdout();
    err_ = ::testing::internal::GetCapturedStderr();
    return code;
  }
  // The one run directory under --results.
  fs::path merged_dir() const {
    for (const auto& entry : fs::directory_iterator(results()))
      if (entry.is_directory()) return entry.path();
    return {};
  }
  std::vector<std::string> runs_under_results() const {
    std::vector<std::string> out;
    if (fs::exists(results()))
      for (const auto& entry : fs::directory_iterator(results()))
        if (entry.is_directory()) out.push_back(entry.path().filename().string());
    return out;
  }

  ScratchDir dir_;
  std::string out_, err_, error_;
};

TEST_F(MergeCommand, ShardsBecomeOneRunWithHistoryReportsAndWorkingLinks) {
  const auto a = shard("s1", 1, 2, {0, 2});
  const auto b = shard("s2", 2, 2, {1});
  // k2's kmod:0009 FAILs unexpectedly: merge exits as the whole run would.
  EXPECT_EQ(merge({b.string(), a.string(), "--report", "junit,html"}), kExitUnexpected) << error_ << err_;
  const fs::path dir = merged_dir();
  const json doc = json::parse(read_file(dir / "results.json"));
  EXPECT_EQ(doc["run_id"], dir.filename().string());
  std::vector<std::string> ids;
  for (const auto& c : doc["cells"]) ids.push_back(c["id"]);
  EXPECT_EQ(ids, kThreeCells);
  EXPECT_EQ(doc["merged_from"], json({"s1", "s2"}));
  EXPECT_EQ(doc["absent_cells"], json::array());
  EXPECT_EQ(doc["unexpected"], 1);
  EXPECT_FALSE(doc.contains("shard"));
  EXPECT_EQ(read_file(dir / "matrix.toml"), std::string(kThreeCellMatrix));
  EXPECT_TRUE(fs::exists(dir / "matrix.txt"));
  EXPECT_TRUE(fs::exists(dir / "junit.xml"));
  EXPECT_TRUE(fs::exists(dir / "report.html"));
  for (const auto& cell : read_run_result(dir).cells)
    for (const auto& file : files_named_by(cell)) EXPECT_TRUE(fs::is_regular_file(dir / file)) << file;
  const auto recorded = HistoryStore::open(results() / "history.db").runs_of_matrix("nightly");
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].run_id, dir.filename().string());
  EXPECT_THAT(out_, HasSubstr("merged 2 runs (s1, s2) into " + dir.filename().string()));
  EXPECT_THAT(out_, HasSubstr("results: " + (dir / "results.json").string()));
}

// Issue 29: merging 1 of 2 shards exited 0 ("14 PASS; 0 unexpected"). A
// lost shard's cells are MISS, unexpected: exit 1, in every report.
TEST_F(MergeCommand, AMissingShardsCellsAreMissAndTheMergeFails) {
  EXPECT_EQ(merge({shard("s1", 1, 3, {0}).string(), shard("s3", 3, 3, {2}).string(), "--report", "junit,kcidb"}),
            kExitUnexpected)
      << error_;
  EXPECT_THAT(err_, HasSubstr("1 of 3 cells of the matrix are in none of the runs (a shard lost?): their tests are "
                              "MISS, unexpected: k2.kmod-30.1cpu.512M"));
  EXPECT_THAT(out_, HasSubstr("k2  kmod-30  1cpu  512M  -       MISS!      MISS!\n"));
  const json doc = json::parse(read_file(merged_dir() / "results.json"));
  EXPECT_EQ(doc["absent_cells"], json({"k2.kmod-30.1cpu.512M"}));
  ASSERT_EQ(doc["cells"].size(), 3u);
  EXPECT_EQ(doc["cells"][1]["tests"][0]["verdict"], "MISS");
  EXPECT_EQ(doc["unexpected"], 2);
  EXPECT_THAT(read_file(merged_dir() / "junit.xml"), HasSubstr("<error type=\"MISS\""));
  EXPECT_THAT(read_file(merged_dir() / "kcidb.json"), HasSubstr("\"status\": \"MISS\""));
}

TEST_F(MergeCommand, RefusalsExitTwoNameTheRunsAndLeaveNothingBehind) {
  const auto a = shard("s1", 1, 2, {0, 1});
  const auto overlapping = shard("s2", 2, 2, {1, 2});
  const auto other_matrix = shard("s3", 2, 2, {2}, std::string(kThreeCellMatrix) + "# edited\n");
  fs::create_directories(dir_.path() / "not-a-run");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{a.string(), overlapping.string()}, "is in both " + a.string()},
      {{a.string(), other_matrix.string()}, "shards of different matrices: " + a.string()},
      {{a.string(), (dir_.path() / "not-a-run").string()},
       (dir_.path() / "not-a-run").string() + " has no results.json"},
      {{a.string(), "--report", "pdf"}, "unknown format 'pdf'"},
  };
  for (const auto& [args, message] : cases) {
    error_.clear();
    EXPECT_EQ(merge(args), kExitBadInput) << message;
    EXPECT_THAT(error_, HasSubstr(message));
    EXPECT_THAT(error_, HasSubstr("fix: "));
    EXPECT_THAT(runs_under_results(), IsEmpty()) << message;
  }
  EXPECT_FALSE(fs::exists(results() / "history.db"));
}

TEST(IntegrationMergeSchema, MergedAndShardResultsValidateAgainstTheSchema) {
  ScratchDir dir;
  const auto a = write_shard_run(dir.path() / "shards", "s1", 1, 3, {0, 2});
  const auto b = write_shard_run(dir.path() / "shards", "s2", 2, 3, {1});
  const auto results = dir.path() / "results";
  ::testing::internal::CaptureStdout();
  const int code = run_command_line({"merge", a.string(), b.string(), "--results", results.string()});
  ::testing::internal::GetCapturedStdout();
  ASSERT_EQ(code, kExitUnexpected);
  fs::path merged;
  for (const auto& entry : fs::directory_iterator(results))
    if (entry.is_directory()) merged = entry.path();
  const ProcessResult r =
      run_debian_python(kValidateJsonSchema, {(kSourceDir / "docs/results.schema.json").string(),
                                              (merged / "results.json").string(), (a / "results.json").string()});
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_THAT(r.output, HasSubstr("checked 2"));
}

// Issue 25: with a damaged history.db, `merge --report junit` exited 2 and
// deleted the merged run. History is not needed for JUnit, and nothing
// merged is ever deleted once results.json is written.
TEST_F(MergeCommand, ADamagedHistoryDbCostsNeitherTheMergedRunNorItsReport) {
  write_file_atomically(results() / "history.db", std::string(8192, 'x'));
  const auto a = shard("s1", 1, 2, {0, 2});
  const auto b = shard("s2", 2, 2, {1});
  EXPECT_EQ(merge({a.string(), b.string(), "--report", "junit,html"}), kExitUnexpected) << error_ << err_;
  const fs::path dir = merged_dir();
  EXPECT_TRUE(fs::is_regular_file(dir / "results.json"));
  EXPECT_TRUE(fs::is_regular_file(dir / "junit.xml"));
  EXPECT_TRUE(fs::is_regular_file(dir / "report.html"));
  EXPECT_THAT(out_ + err_, HasSubstr("history database is damaged"));      // spdlog's warning
  EXPECT_EQ(read_file(results() / "history.db"), std::string(8192, 'x'));  // left for the user to look at
}

}  // namespace
}  // namespace kmx
