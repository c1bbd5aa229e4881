// The nightly flow with real VMs: two runs with --report record themselves
// in history.db, carry host facts and the resolved kernel package, and
// compare --previous, history and report work on them.
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
  }
  // The same cell both nights: bookworm's kernel series, named by its
  // meta-package, and modutils that are kmod one night and busybox the next.
  fs::path night(int n, const std::string& modutils_source) {
    const fs::path file = dir_ / ("night-" + std::to_string(n) + ".toml");
    write_file_atomically(file,
                          "name = \"e2e-nightly\"\ntests = [\"kmod:0001\", \"softdep:pre-post\"]\nvcpus = [1]\n"
                          "memory_mib = [512]\n\n[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-amd64\"\n"
                          "suite = \"bookworm-security\"\n\n[[kmod]]\nname = \"modutils\"\nsource = \"" +
                              modutils_source + "\"\n");
    return file;
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

// Night 1 with Debian's kmod, night 2 with busybox's modutils in its place:
// busybox modprobe ignores softdep, so softdep:pre-post goes PASS -> FAIL
// (and kmod.sh, without /bin/kmod, SKIPs).
TEST_F(NightlyEndToEnd, BusyboxInPlaceOfKmodIsARegressionInCompareHistoryAndReports) {
  const std::string junit = (dir_ / "reports" / "junit.xml").string();
  const std::string html = (dir_ / "reports" / "report.html").string();
  const ProcessResult first = kmx({"run", night(1, "host").string(), "--report", "junit:" + junit});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const ProcessResult second =
      kmx({"run", night(2, "busybox").string(), "--report", "junit:" + junit, "--report", "html:" + html});
  EXPECT_EQ(second.exit_code, 1) << second.output;  // unexpected verdicts: a regression to look at
  ASSERT_TRUE(fs::exists(dir_ / "results" / "history.db"));
  const auto ids = run_ids();
  ASSERT_EQ(ids.size(), 2u);

  const auto results = nlohmann::json::parse(read_file(dir_ / "results" / ids[1] / "results.json"));
  EXPECT_FALSE(results["tool_version"].get<std::string>().empty());
  EXPECT_EQ(results["matrix"]["sha256"], sha256_file(dir_ / "results" / ids[1] / "matrix.toml"));
  EXPECT_NE(results.dump().find("QEMU emulator version"), std::string::npos) << results.dump(2);
  const auto& kernel = results["cells"][0]["kernel"];
  EXPECT_EQ(kernel["package"], "linux-image-amd64");
  EXPECT_EQ(kernel["suite"], "bookworm-security");
  EXPECT_TRUE(kernel["resolved_package"].get<std::string>().starts_with("linux-image-6.1.0-")) << kernel.dump();
  EXPECT_TRUE(kernel["debian_version"].get<std::string>().starts_with("6.1.")) << kernel.dump();

  const ProcessResult compare = kmx({"compare", "--previous", ids[1], "--json"});
  EXPECT_EQ(compare.exit_code, 1) << compare.output;
  const auto diff = nlohmann::json::parse(compare.output);
  EXPECT_EQ(diff["old_run"], ids[0]);
  bool named = false;
  for (const auto& r : diff["regressions"])
    named |= r["test"] == "softdep:pre-post" && r["old"]["verdict"] == "PASS" && r["new"]["verdict"] == "FAIL";
  EXPECT_TRUE(named) << compare.output;

  const ProcessResult history = kmx({"history", "softdep:pre-post"});
  EXPECT_EQ(history.exit_code, 0) << history.output;
  EXPECT_NE(history.output.find("PASS until run " + ids[0]), std::string::npos) << history.output;
  EXPECT_NE(history.output.find("FAIL since run " + ids[1]), std::string::npos) << history.output;

  // Reports written outside the run directory: the HTML shows the resolved
  // package and links back into the run for each test's log.
  EXPECT_NE(read_file(junit).find("name=\"kernel_package\" value=\"linux-image-6.1.0-"), std::string::npos);
  const std::string page = read_file(html);
  EXPECT_NE(page.find("href=\"../results/" + ids[1] + "/cells/"), std::string::npos);
  EXPECT_NE(page.find("class=\"package\">linux-image-6.1.0-"), std::string::npos);

  const ProcessResult report = kmx({"report", ids[1], "--format", "ktap"});
  EXPECT_EQ(report.exit_code, 0) << report.output;
  EXPECT_NE(read_file(dir_ / "results" / ids[1] / "results.ktap").find("KTAP version 1"), std::string::npos);
}

}  // namespace
}  // namespace kmx
