// End-to-end bisection: `kmod-matrix bisect` and `bisect-step` under `git
// bisect run` over a real kmod history with commits of our own on top of
// v34.2, each step built from source and tested in a real VM. The kmod
// history comes from ../shared/data/kmod.bundle (or $KMX_KMOD_BUNDLE); the
// tests skip without it.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "kmod_repo.h"
#include "os/files.h"
#include "os/process_runner.h"
#include "spawn.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One cell whose test, softdep:pre-post, takes seconds: what a step costs
// is the kmod build.
constexpr const char* kMatrix =
    "name = \"bisect-e2e\"\n"
    "tests = [\"softdep:pre-post\"]\nvcpus = [2]\nmemory_mib = [512]\n"
    "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
    "[[kmod]]\nname = \"host\"\n";

ProcessResult run(const std::vector<std::string>& argv, const fs::path& cwd = {},
                  std::chrono::seconds limit = std::chrono::seconds(120)) {
  return BoostProcessRunner().run(argv, {.cwd = cwd, .timeout = limit});
}

using e2e::kmod_bundle;
using e2e::Repo;
using e2e::spawn;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

const json* step_of(const json& state, const std::string& commit) {
  for (const auto& s : state["steps"])
    if (s["commit"] == commit) return &s;
  return nullptr;
}

// The step of that commit was tried and skipped because it does not build.
void expect_skipped_as_unbuildable(const json& state, const std::string& commit, const std::string& which) {
  const json* step = step_of(state, commit);
  ASSERT_NE(step, nullptr) << which << " was not tried";
  EXPECT_EQ((*step)["outcome"], "skip") << step->dump();
  EXPECT_NE((*step)["reason"].get<std::string>().find("does not build"), std::string::npos) << step->dump();
}

fs::path scratch_dir() {
  const fs::path dir = fs::temp_directory_path() / ("kmx-bisect-e2e-" + std::to_string(::getpid()) + "-" +
                                                    testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir / "results");
  return dir;
}

fs::path bisect_dir_in(const fs::path& results) {
  for (const auto& d : fs::directory_iterator(results))
    if (d.is_directory() && d.path().filename().string().starts_with("bisect-")) return d.path();
  return {};
}

// kmod v34.2 and seven commits on top, first parent only:
//   1 comment   2 NEWS   3 build break   4 still broken   5 build fixed
//   6 libkmod no longer reads "softdep" lines (the culprit)   7 comment
class BisectEndToEnd : public testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = e2e::missing_kmod_bundle(); !why.empty()) GTEST_SKIP() << why;
    dir_ = scratch_dir();
    repo_ = dir_ / "kmod";
    ASSERT_TRUE(
        run({"git", "clone", "-q", kmod_bundle().string(), repo_.string()}, {}, std::chrono::seconds(300)).ok());
    const Repo repo(repo_, "synthetic: ");
    repo.git({"checkout", "-q", "-b", "synthetic", "v34.2"});
    repo.edit_and_commit("tools/modprobe.c", "", "/* synthetic: a comment */\n", "comment in modprobe");
    repo.edit_and_commit("NEWS", "", "synthetic: a NEWS line\n", "NEWS line");
    repo.edit_and_commit("libkmod/libkmod.c", "", "#error synthetic build break\n", "break the build");
    repo.edit_and_commit("tools/depmod.c", "", "/* synthetic: still broken */\n", "comment while broken");
    repo.edit_and_commit("libkmod/libkmod.c", "#error synthetic build break\n", "", "fix the build");
    repo.edit_and_commit("libkmod/libkmod-config.c", "streq(cmd, \"softdep\")", "streq(cmd, \"soft-dependency\")",
                         "libkmod: read softdep lines under another keyword");
    repo.edit_and_commit("tools/insmod.c", "", "/* synthetic: after the culprit */\n", "comment in insmod");
    commits_ = lines(repo.git({"rev-list", "--reverse", "v34.2..synthetic"}));
    ASSERT_FALSE(HasFailure()) << "the synthetic history could not be made";
    ASSERT_EQ(commits_.size(), 7u);
    write_file_atomically(dir_ / "matrix.toml", kMatrix);
  }
  void TearDown() override {
    if (dir_.empty()) return;
    if (!HasFailure())
      fs::remove_all(dir_);
    else
      std::cerr << "kept for inspection: " << dir_ << "\n";
  }

  std::string git(const std::vector<std::string>& args) { return Repo(repo_).git(args); }

  std::vector<std::string> bisect_args() const {
    return {KMX_BINARY,
            "bisect",
            (dir_ / "matrix.toml").string(),
            "--test",
            "softdep:pre-post",
            "--kmod-git",
            repo_.string(),
            "--old",
            "v34.2",
            "--new",
            "synthetic",
            "--results",
            (dir_ / "results").string()};
  }

  fs::path bisect_dir() const { return bisect_dir_in(dir_ / "results"); }

  fs::path dir_;
  fs::path repo_;
  std::vector<std::string> commits_;  // oldest first
};

// The build break sits in the middle of the range, so the bisection must
// step around it; the orchestrator is killed once the old end is recorded
// and --resume finishes without repeating those runs.
TEST_F(BisectEndToEnd, FindsTheCulpritAroundBrokenBuildsAndResumesAfterKillNine) {
  const pid_t child = spawn(bisect_args());
  fs::path dir;
  bool old_end_done = false;
  for (int i = 0; i < 3000 && !old_end_done; ++i) {  // 10 min
    ::usleep(200 * 1000);
    if (dir.empty()) dir = bisect_dir();
    if (dir.empty() || !fs::exists(dir / "bisect.json")) continue;
    const json state = json::parse(read_file(dir / "bisect.json"), nullptr, false);
    if (state.is_discarded()) continue;
    for (const auto& s : state["steps"]) old_end_done = old_end_done || (s["role"] == "old" && !s["outcome"].is_null());
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ASSERT_TRUE(old_end_done) << "the old end was never recorded";

  const ProcessResult r =
      run({KMX_BINARY, "bisect", "--resume", dir.filename().string(), "--results", (dir_ / "results").string()}, {},
          std::chrono::seconds(3600));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string culprit = commits_[5];
  const std::string last_line = lines(r.output).back();
  EXPECT_EQ(last_line, "first commit with the new behaviour: " + culprit +
                           " synthetic: libkmod: read softdep lines under another keyword");

  const json state = json::parse(read_file(dir / "bisect.json"));
  EXPECT_EQ(state["status"], "found");
  EXPECT_EQ(state["commit"], culprit);
  EXPECT_TRUE(state["reproduced"].get<bool>()) << state["verification"];
  // The old end's two runs were kept, not repeated after the kill.
  const json* old_end = step_of(state, state["old"]["commit"].get<std::string>());
  ASSERT_NE(old_end, nullptr);
  EXPECT_EQ((*old_end)["outcome"], "old");
  EXPECT_EQ((*old_end)["runs"].size(), 2u);
  for (const auto& run : (*old_end)["runs"]) EXPECT_EQ(run["verdict"], "PASS") << run.dump();
  // Both broken commits were tried and skipped as builds that fail; the
  // culprit's parent is old.
  for (std::size_t broken : {2u, 3u})
    expect_skipped_as_unbuildable(state, commits_[broken], "commit " + std::to_string(broken + 1));
  const json* parent = step_of(state, commits_[4]);
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ((*parent)["outcome"], "old");
  const json* found = step_of(state, culprit);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ((*found)["outcome"], "new");
  EXPECT_NE((*found)["runs"][0]["evidence"].get<std::string>().find("softdep"), std::string::npos) << found->dump();
}

// bisect-step as `git bisect run` drives it: 0 old, 1 new, 125 for the
// commits that do not build.
TEST_F(BisectEndToEnd, BisectStepDrivesGitBisectRunToTheCulprit) {
  git({"bisect", "start", "--term-old=old", "--term-new=new", "synthetic", "v34.2"});
  const ProcessResult r =
      run({"git", "bisect", "run", KMX_BINARY, "bisect-step", (dir_ / "matrix.toml").string(), "--test",
           "softdep:pre-post", "--kmod-git", ".", "--results", (dir_ / "results").string()},
          repo_, std::chrono::seconds(3600));
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_NE(r.output.find(commits_[5] + " is the first new commit"), std::string::npos) << r.output;
  // git's midpoint of the seven is one of the two commits that do not build.
  const std::string log = git({"bisect", "log"});
  EXPECT_TRUE(log.find("git bisect skip " + commits_[2]) != std::string::npos ||
              log.find("git bisect skip " + commits_[3]) != std::string::npos)
      << log;
}

// A kernel history of our own: Debian's linux-source-6.1 as one commit, and
// seven on top, first parent only:
//   1 docs   2 build break   3 still broken   4 build fixed, boot broken
//   5 boots again   6 module loader stops finding import_ns (the culprit)
//   7 docs
// The halving meets both broken builds and the broken boot before the
// culprit. The first step builds the whole kernel (13-16 min under TCG's
// host here); every later one is incremental in the persistent O= directory.
TEST(BisectKernelEndToEnd, SlowFindsTheCulpritPastABuildBreakAndABootBreak) {
  const fs::path dir = scratch_dir();
  const fs::path linux_dir = dir / "linux";
  fs::create_directories(linux_dir);
  const ProcessResult download =
      run({"apt-get", "download", "-o", "APT::Sandbox::User=root", "linux-source-6.1"}, dir, std::chrono::seconds(900));
  ASSERT_TRUE(download.ok()) << download.output;
  fs::path deb;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".deb") deb = e.path();
  ASSERT_FALSE(deb.empty());
  ASSERT_TRUE(run({"sh", "-c",
                   "dpkg-deb --fsys-tarfile '" + deb.string() +
                       "' | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' | tar -xJ --strip-components=1 -C '" +
                       linux_dir.string() + "'"},
                  dir, std::chrono::seconds(900))
                  .ok());
  fs::remove(deb);
  const Repo repo(linux_dir, "synthetic: ");
  repo.git({"init", "-q", "-b", "main"});
  // -f: Debian's top-level .gitignore ignores everything but debian/.
  repo.git({"add", "-f", "-A"}, std::chrono::seconds(1800));
  repo.git({"commit", "-q", "-m", "linux-source-6.1 as Debian ships it"}, std::chrono::seconds(1800));
  repo.git({"tag", "base"});
  repo.edit_and_commit("README", "", "synthetic: a line of docs\n", "docs");
  repo.edit_and_commit("kernel/module/main.c", "", "#error synthetic build break\n", "break the build");
  repo.edit_and_commit("README", "", "synthetic: still broken\n", "docs while broken");
  repo.edit("kernel/module/main.c", "#error synthetic build break\n", "");
  repo.edit("init/main.c", "\tdo_sysctl_args();\n", "\tdo_sysctl_args();\n\tpanic(\"synthetic boot break\");\n");
  repo.commit("fix the build, break the boot");
  repo.edit_and_commit("init/main.c", "\tpanic(\"synthetic boot break\");\n", "", "boot again");
  repo.edit_and_commit("kernel/module/main.c", "imported_namespace = get_modinfo(info, \"import_ns\");",
                       "imported_namespace = get_modinfo(info, \"import_namespace\");",
                       "module: look for imports under another modinfo key");
  repo.edit_and_commit("README", "", "synthetic: after the culprit\n", "docs after the culprit");
  const std::vector<std::string> commits = lines(repo.git({"rev-list", "--reverse", "base..main"}));
  ASSERT_FALSE(testing::Test::HasFailure()) << "the synthetic history could not be made";
  ASSERT_EQ(commits.size(), 7u);

  write_file_atomically(dir / "matrix.toml",
                        "name = \"bisect-kernel-e2e\"\ntests = [\"ns:import\"]\nvcpus = [2]\nmemory_mib = [512]\n"
                        "[[kernel]]\nname = \"linux\"\nsource = \"source\"\npath = \"" +
                            linux_dir.string() + "\"\n[[kmod]]\nname = \"host\"\n");
  const ProcessResult r =
      run({KMX_BINARY, "bisect", (dir / "matrix.toml").string(), "--test", "ns:import", "--kernel-git",
           linux_dir.string(), "--old", "base", "--new", "main", "--results", (dir / "results").string()},
          {}, std::chrono::seconds(7000));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(lines(r.output).back(), "first commit with the new behaviour: " + commits[5] +
                                        " synthetic: module: look for imports under another modinfo key");
  const json state = json::parse(read_file(bisect_dir_in(dir / "results") / "bisect.json"));
  EXPECT_EQ(state["commit"], commits[5]);
  for (std::size_t broken : {1u, 2u})
    expect_skipped_as_unbuildable(state, commits[broken], "commit " + std::to_string(broken + 1) + " (no build)");
  const json* no_boot = step_of(state, commits[3]);
  ASSERT_NE(no_boot, nullptr) << "commit 4 (no boot) was not tried";
  EXPECT_EQ((*no_boot)["outcome"], "skip") << no_boot->dump();
  EXPECT_EQ((*no_boot)["reason"].get<std::string>().find("does not build"), std::string::npos) << no_boot->dump();
  EXPECT_NE((*no_boot)["runs"][0]["evidence"].get<std::string>().find("synthetic boot break"), std::string::npos)
      << no_boot->dump();
  const json* parent = step_of(state, commits[4]);
  ASSERT_NE(parent, nullptr) << "commit 5, the culprit's parent, was not tried";
  EXPECT_EQ((*parent)["outcome"], "old");
  const json* found = step_of(state, commits[5]);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ((*found)["outcome"], "new");
  EXPECT_NE((*found)["runs"][0]["evidence"].get<std::string>().find("kmx_ns_importer"), std::string::npos)
      << found->dump();
  if (!testing::Test::HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace kmx
