// End-to-end: a kmod that tracks a git branch ([[kmod]] source = "git").
// Two nights over a real kmod history (v34.2 from ../shared/data/kmod.bundle
// or $KMX_KMOD_BUNDLE, skipped without it): between them commits land on the
// branch, one of which makes libkmod ignore "softdep" lines. Each night pins
// the branch to its commit when it starts, builds that commit and boots a
// real VM; results.json records the revision, and compare --previous names
// the regression with the revision change behind it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kmod_repo.h"
#include "os/files.h"
#include "os/process_runner.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using e2e::kmod_bundle;
using e2e::Repo;

ProcessResult run(const std::vector<std::string>& argv, const fs::path& cwd = {},
                  std::chrono::seconds limit = std::chrono::seconds(1800)) {
  return BoostProcessRunner().run(argv, {.cwd = cwd, .timeout = limit});
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class GitSourceEndToEnd : public testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = e2e::missing_kmod_bundle(); !why.empty()) GTEST_SKIP() << why;
    dir_ = fs::temp_directory_path() / ("kmx-git-source-e2e-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "results");
    ASSERT_TRUE(
        run({"git", "clone", "-q", kmod_bundle().string(), repo().string()}, {}, std::chrono::seconds(300)).ok());
    git({"checkout", "-q", "-b", "tracked", "v34.2"});
    write_file_atomically(dir_ / "nightly.toml",
                          "name = \"git-nightly\"\n"
                          "tests = [\"softdep:pre-post\"]\nvcpus = [2]\nmemory_mib = [512]\n"
                          "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
                          "[[kmod]]\nname = \"kmod-tracked\"\nsource = \"git\"\nrepo = \"" +
                              repo().string() + "\"\nref = \"tracked\"\n");
  }
  void TearDown() override {
    if (dir_.empty()) return;
    if (!HasFailure())
      fs::remove_all(dir_);
    else
      std::cerr << "kept for inspection: " << dir_ << "\n";
  }

  fs::path repo() const { return dir_ / "kmod"; }
  std::string git(const std::vector<std::string>& args) const { return Repo(repo()).git(args); }
  void commit(const std::string& file, const std::string& from, const std::string& to, const std::string& subject) {
    Repo(repo()).edit_and_commit(file, from, to, subject);
  }
  // One night: run, then the run's id (the newest directory under results/).
  std::string night(int expected_exit) {
    const ProcessResult r =
        run({KMX_BINARY, "run", (dir_ / "nightly.toml").string(), "--results", (dir_ / "results").string()});
    EXPECT_EQ(r.exit_code, expected_exit) << r.output;
    std::string newest;
    for (const auto& d : fs::directory_iterator(dir_ / "results"))
      if (d.is_directory() && d.path().filename().string() > newest && d.path().filename().string()[0] == '2')
        newest = d.path().filename().string();
    return newest;
  }
  json kmod_of(const std::string& run_id) const {
    return json::parse(read_file(dir_ / "results" / run_id / "results.json"))["cells"][0]["kmod"];
  }
  json test_of(const std::string& run_id) const {
    return json::parse(read_file(dir_ / "results" / run_id / "results.json"))["cells"][0]["tests"][0];
  }

  fs::path dir_;
};

TEST_F(GitSourceEndToEnd, EachNightPinsTheBranchAndCompareNamesTheRevisionBehindTheRegression) {
  const std::string v34 = trimmed(git({"rev-parse", "v34.2^{commit}"}));
  const ProcessResult check = run({KMX_BINARY, "check", (dir_ / "nightly.toml").string()});
  ASSERT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("git " + repo().string() + " tracked -> " + v34.substr(0, 12)), std::string::npos)
      << check.output;

  const std::string first = night(0);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(test_of(first)["verdict"], "PASS") << test_of(first).dump();
  EXPECT_EQ(kmod_of(first)["commit"], v34);
  EXPECT_EQ(kmod_of(first)["ref"], "tracked");
  EXPECT_EQ(kmod_of(first)["source"], "git");

  commit("NEWS", "", "e2e: a NEWS line\n", "NEWS: a line");
  commit("libkmod/libkmod-config.c", "streq(cmd, \"softdep\")", "streq(cmd, \"soft-dependency\")",
         "libkmod: read softdep lines under another keyword");
  commit("tools/insmod.c", "", "/* e2e: after the culprit */\n", "insmod: a comment");
  const std::string tip = trimmed(git({"rev-parse", "tracked"}));

  const std::string second = night(1);  // the matrix expects PASS
  ASSERT_NE(second, first);
  EXPECT_EQ(test_of(second)["verdict"], "FAIL") << test_of(second).dump();
  EXPECT_EQ(kmod_of(second)["commit"], tip);
  EXPECT_EQ(kmod_of(second)["subject"], "insmod: a comment");

  const ProcessResult compare =
      run({KMX_BINARY, "compare", "--previous", second, "--results", (dir_ / "results").string(), "--json"});
  ASSERT_EQ(compare.exit_code, 1) << compare.output;
  const json c = json::parse(compare.output);
  ASSERT_EQ(c["regressions"].size(), 1u) << c.dump(2);
  EXPECT_EQ(c["regressions"][0]["test"], "softdep:pre-post");
  EXPECT_EQ(c["regressions"][0]["configuration_changed"], true);
  bool revision_named = false;
  for (const auto& change : c["configuration_changes"])
    if (change["field"] == "kmod.revision")
      revision_named = change["old"]["commit"] == v34 && change["new"]["commit"] == tip;
  EXPECT_TRUE(revision_named) << c["configuration_changes"].dump(2);
}

}  // namespace
}  // namespace kmx
