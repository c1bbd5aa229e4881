// CI shards with real VMs: smoke's four cells (shard-four-cells.toml) as
// `--shard 1/2` and `--shard 2/2`, which must be disjoint and together the matrix, merged
// into one run that has the cells and verdicts of an unsharded run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "os/files.h"
#include "os/process_runner.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ShardEndToEnd : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kmx-e2e-shards-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure())
      fs::remove_all(dir_);
    else
      std::cerr << "kept for inspection: " << dir_ << "\n";
  }
  static ProcessResult kmx(std::vector<std::string> args) {
    args.insert(args.begin(), KMX_BINARY);
    return BoostProcessRunner().run(args, {.timeout = std::chrono::seconds(1500)});
  }
  // The run directories under `results`, oldest first (run ids sort by start).
  static std::vector<fs::path> runs_in(const fs::path& results) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(results))
      if (e.is_directory()) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  static json results_of(const fs::path& run_dir) { return json::parse(read_file(run_dir / "results.json")); }
  // "cell test" -> verdict.
  static std::map<std::string, std::string> verdicts(const json& results) {
    std::map<std::string, std::string> out;
    for (const auto& cell : results["cells"])
      for (const auto& t : cell["tests"])
        out[cell["id"].get<std::string>() + " " + t["id"].get<std::string>()] = t["verdict"];
    return out;
  }
  static std::vector<std::string> cell_ids(const json& results) {
    std::vector<std::string> out;
    for (const auto& cell : results["cells"]) out.push_back(cell["id"]);
    return out;
  }
  fs::path dir_;
};

TEST_F(ShardEndToEnd, TwoShardsOfFourCellsMergeIntoTheUnshardedRun) {
  const std::string matrix = (fs::path(KMX_SOURCE_DIR) / "orchestrator/tests/e2e/shard-four-cells.toml").string();
  const fs::path shards = dir_ / "shards";
  for (const char* shard : {"1/2", "2/2"}) {
    const ProcessResult r = kmx({"run", matrix, "--shard", shard, "-j", "2", "--results", shards.string()});
    ASSERT_EQ(r.exit_code, 0) << shard << "\n" << r.output;
    EXPECT_NE(r.output.find("estimated cost per shard: 1/2 "), std::string::npos) << r.output;
  }
  const std::vector<fs::path> shard_runs = runs_in(shards);
  ASSERT_EQ(shard_runs.size(), 2u);
  EXPECT_FALSE(fs::exists(shards / "history.db")) << "shard runs are recorded by merge, not by run";

  // Disjoint, together every cell, each run exactly the cells its shard names.
  std::multiset<std::string> all;
  for (std::size_t i = 0; i < 2; ++i) {
    const json doc = results_of(shard_runs[i]);
    ASSERT_TRUE(doc.contains("shard")) << shard_runs[i];
    EXPECT_EQ(doc["shard"]["count"], 2);
    EXPECT_EQ(doc["shard"]["basis"], "limits");
    EXPECT_EQ(doc["shard"]["cells"], json(cell_ids(doc)));
    EXPECT_FALSE(cell_ids(doc).empty());
    for (const auto& id : cell_ids(doc)) all.insert(id);
  }
  EXPECT_EQ(all.size(), 4u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 4u) << "a cell ran in both shards";

  const fs::path merged_results = dir_ / "merged";
  const ProcessResult merged = kmx({"merge", shard_runs[0].string(), shard_runs[1].string(), "--results",
                                    merged_results.string(), "--report", "junit,html"});
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  const std::vector<fs::path> merged_runs = runs_in(merged_results);
  ASSERT_EQ(merged_runs.size(), 1u);
  const json merged_doc = results_of(merged_runs[0]);
  EXPECT_EQ(merged_doc["absent_cells"], json::array());
  EXPECT_EQ(merged_doc["merged_from"].size(), 2u);
  EXPECT_TRUE(fs::exists(merged_runs[0] / "junit.xml"));
  EXPECT_TRUE(fs::exists(merged_results / "history.db"));
  for (const auto& cell : merged_doc["cells"]) {
    for (const auto& t : cell["tests"]) EXPECT_TRUE(fs::is_regular_file(merged_runs[0] / t["log"].get<std::string>()));
    for (const auto& b : cell["boots"])
      EXPECT_TRUE(fs::is_regular_file(merged_runs[0] / b["console_log"].get<std::string>()));
  }

  const fs::path whole_results = dir_ / "whole";
  const ProcessResult whole = kmx({"run", matrix, "-j", "2", "--results", whole_results.string()});
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  const json whole_doc = results_of(runs_in(whole_results).at(0));
  EXPECT_EQ(cell_ids(merged_doc), cell_ids(whole_doc));
  EXPECT_EQ(verdicts(merged_doc), verdicts(whole_doc));
  const ProcessResult compare = kmx({"compare", runs_in(whole_results).at(0).string(), merged_runs[0].string()});
  EXPECT_EQ(compare.exit_code, 0) << compare.output;
}

}  // namespace
}  // namespace kmx
