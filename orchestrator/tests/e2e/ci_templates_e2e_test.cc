// The shipped CI templates as their CI systems run them (ci_emulator.py:
// GitHub Actions' checkout, cache, artifacts and steps; GitLab's jobs,
// parallel shards, needs, cache and artifacts), two nights in a row, each
// job in a clean workspace that holds only the checkout and what the
// template carries: the caches from night to night, the artifacts within
// a night. Real VMs: the shards run ci/nightly.sh on a two-cell matrix.
// The second night must compare itself with the first (issue 29: with only
// history.db carried over, compare --previous exited 2 from night two).
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "os/files.h"
#include "os/process_runner.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Template {
  const char* system;
  const char* file;
  const char* matrix_setting;  // how a scheduled run names the matrix
  const char* merge_job;
};
// ctest lists each instance by its CI system, not by the struct's bytes.
void PrintTo(const Template& t, std::ostream* out) { *out << t.system; }

class CiTemplatesEndToEnd : public testing::TestWithParam<Template> {
 protected:
  void SetUp() override {
    state_ = fs::temp_directory_path() /
             ("kmx-e2e-templates-" + std::string(GetParam().system) + "-" + std::to_string(::getpid()));
    fs::remove_all(state_);
    fs::create_directories(state_);
  }
  void TearDown() override {
    if (!HasFailure())
      fs::remove_all(state_);
    else
      std::cerr << "kept for inspection: " << state_ << "\n";
  }
  // One night of the template; its summary (job -> workspace, steps).
  json night(const std::string& name) {
    const Template& t = GetParam();
    const ProcessResult r = BoostProcessRunner().run(
        {"/usr/bin/python3", std::string(KMX_SOURCE_DIR) + "/orchestrator/tests/e2e/ci_emulator.py", t.system,
         std::string(KMX_SOURCE_DIR) + "/" + t.file, "--source", KMX_SOURCE_DIR, "--build", KMX_BUILD_DIR, "--state",
         state_.string(), "--night", name, "--set",
         std::string(t.matrix_setting) + "=orchestrator/tests/e2e/nightly-two-cells.toml"},
        {.timeout = std::chrono::seconds(1500)});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const auto start = r.output.find('{');
    return start == std::string::npos ? json::object() : json::parse(r.output.substr(start), nullptr, false);
  }
  static std::string log_of(const json& job) { return job.contains("log") ? read_file(job["log"]) : ""; }
  // The one run directory directly under results/.
  static std::string run_id_in(const fs::path& results) {
    for (const auto& e : fs::directory_iterator(results))
      if (e.is_directory() && e.path().filename().string().starts_with("2")) return e.path().filename().string();
    return "";
  }

  fs::path state_;
};

TEST_P(CiTemplatesEndToEnd, TwoNightsInCleanWorkspacesCarryingOnlyWhatTheTemplateCarries) {
  const Template& t = GetParam();
  const json first = night("night1");
  ASSERT_TRUE(first.contains(t.merge_job)) << first.dump(1);
  const json& merge1 = first[t.merge_job];
  EXPECT_FALSE(merge1["failed"].get<bool>()) << log_of(merge1);
  const fs::path results1 = fs::path(merge1["workspace"].get<std::string>()) / "results";
  const std::string run1 = run_id_in(results1);
  ASSERT_FALSE(run1.empty()) << log_of(merge1);
  EXPECT_NE(read_file(results1 / "reports/compare.txt").find("nothing to compare"), std::string::npos);

  const json second = night("night2");
  const json& merge2 = second[t.merge_job];
  EXPECT_FALSE(merge2["failed"].get<bool>()) << log_of(merge2);
  const fs::path results2 = fs::path(merge2["workspace"].get<std::string>()) / "results";
  const std::string run2 = run_id_in(results2);
  ASSERT_FALSE(run2.empty()) << log_of(merge2);
  EXPECT_FALSE(fs::exists(results2 / run1)) << "the second night's workspace holds the first night's run";
  // compare found the first night in history.db alone.
  const std::string compare = read_file(results2 / "reports/compare.txt");
  EXPECT_TRUE(compare.starts_with("compare " + run1 + " -> " + run2 + "\n")) << compare;
  EXPECT_NE(compare.find("0 regressions, 0 missing, 0 vanished"), std::string::npos) << compare;
  const json comparison = json::parse(read_file(results2 / "reports/compare.json"), nullptr, false);
  ASSERT_TRUE(comparison.is_object()) << read_file(results2 / "reports/compare.json");
  EXPECT_EQ(comparison["old_run"], run1);
  EXPECT_EQ(comparison["new_run"], run2);
  EXPECT_NE(read_file(results2 / "reports/report.html").find("Changes since " + run1), std::string::npos);
  for (const char* report : {"junit.xml", "results.ktap", "kcidb.json"})
    EXPECT_TRUE(fs::is_regular_file(results2 / "reports" / report)) << report;
  // The site spans both nights, the first's report carried in the cache.
  const std::string site = read_file(results2 / "site/index.html");
  EXPECT_NE(site.find(run1), std::string::npos);
  EXPECT_NE(site.find(run2), std::string::npos);
  EXPECT_TRUE(fs::is_regular_file(results2 / "site" / run1 / "report.html"));
}

INSTANTIATE_TEST_SUITE_P(Templates, CiTemplatesEndToEnd,
                         testing::Values(Template{"github", "ci/github-nightly.yml", "matrix", "merge"},
                                         Template{"gitlab", "ci/gitlab-ci.yml", "KMX_NIGHTLY_MATRIX",
                                                  "kmod-matrix-merge"}),
                         [](const auto& instance) { return std::string(instance.param.system); });

}  // namespace
}  // namespace kmx
