// The nightly flow with real VMs: two runs with --report record themselves
// in history.db, carry host facts, and compare --previous, history and
// report work on them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "os/files.h"
#include "os/process_runner.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;

class NightlyEndToEnd : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kmx-e2e-nightly-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write_file_atomically(dir_ / "matrix.toml",
                          "name = \"e2e-nightly\"\ntests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n\n"
                          "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n\n"
                          "[[kmod]]\nname = \"host\"\n");
  }
  void TearDown() override {
    if (!HasFailure())
      fs::remove_all(dir_);
    else
      std::cerr << "kept for inspection: " << dir_ << "\n";
  }
  ProcessResult kmx(std::vector<std::string> args) {
    args.insert(args.begin(), KMX_BINARY);
    args.insert(args.end(), {"--results", (dir_ / "results").string()});
    return BoostProcessRunner().run(args, {.timeout = std::chrono::seconds(1500)});
  }
  // Run ids sort by start time.
  std::vector<std::string> run_ids() const {
    std::vector<std::string> ids;
    for (const auto& e : fs::directory_iterator(dir_ / "results"))
      if (e.is_directory()) ids.push_back(e.path().filename().string());
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  fs::path dir_;
};

TEST_F(NightlyEndToEnd, TwoRunsRecordHistoryReportsAndCompareWithThePrevious) {
  const std::string junit = (dir_ / "reports" / "junit.xml").string();
  for (int night = 0; night < 2; ++night) {
    const ProcessResult r = kmx({"run", (dir_ / "matrix.toml").string(), "--report", "junit:" + junit, "--report",
                                 "html:" + (dir_ / "reports" / "report.html").string()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  EXPECT_NE(read_file(junit).find("<testsuite"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir_ / "reports" / "report.html"));
  ASSERT_TRUE(fs::exists(dir_ / "results" / "history.db"));
  const auto ids = run_ids();
  ASSERT_EQ(ids.size(), 2u);

  const auto results = nlohmann::json::parse(read_file(dir_ / "results" / ids[1] / "results.json"));
  EXPECT_FALSE(results["tool_version"].get<std::string>().empty());
  EXPECT_EQ(results["matrix"]["sha256"], sha256_file(dir_ / "results" / ids[1] / "matrix.toml"));
  EXPECT_NE(results.dump().find("QEMU emulator version"), std::string::npos) << results.dump(2);

  ProcessResult compare = kmx({"compare", "--previous", ids[1], "--json"});
  EXPECT_EQ(compare.exit_code, 0) << compare.output;
  EXPECT_NE(compare.output.find("\"old_run\": \"" + ids[0] + "\""), std::string::npos) << compare.output;

  ProcessResult history = kmx({"history", "kmod:0001"});
  EXPECT_EQ(history.exit_code, 0) << history.output;
  EXPECT_NE(history.output.find("PASS in 2 runs"), std::string::npos) << history.output;

  ProcessResult report = kmx({"report", ids[1], "--format", "ktap"});
  EXPECT_EQ(report.exit_code, 0) << report.output;
  EXPECT_NE(read_file(dir_ / "results" / ids[1] / "results.ktap").find("KTAP version 1"), std::string::npos);
}

}  // namespace
}  // namespace kmx
