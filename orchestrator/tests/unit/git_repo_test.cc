// images/git_repo: git through the ProcessRunner seam, against a fake
// repository; Integration* tests read the real kmod history from
// ../shared/data/kmod.bundle beside the checkout (or $KMX_KMOD_BUNDLE) when it
// is there.
#include "images/git_repo.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "fake_git.h"
#include "test_paths.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using testing::FakeGit;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScratchDir;

FakeGit history() {
  FakeGit git;
  git.line({"a", "b", "c", "d"});
  git.tag("v1", "a");
  git.tag("v2", "d");
  return git;
}

TEST(GitRepo, ResolvesRevisionsToFullShas) {
  FakeGit git = history();
  GitRepo repo(git, "/src/kmod");
  EXPECT_EQ(repo.resolve("v1"), FakeGit::sha("a"));
  EXPECT_THAT(git.calls.back(), ElementsAre("git", "-C", "/src/kmod", "rev-parse", "--verify", "--quiet",
                                            "--end-of-options", "v1^{commit}"));
}

TEST(GitRepo, AnUnknownRevisionIsAnErrorWithAFix) {
  FakeGit git = history();
  try {
    GitRepo(git, "/src/kmod").resolve("v99");
    FAIL() << "no error";
  } catch (const GitError& e) {
    EXPECT_THAT(e.what(), HasSubstr("v99"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

TEST(GitRepo, FirstParentLineIsOldestFirstWithoutTheBase) {
  FakeGit git = history();
  GitRepo repo(git, "/src/kmod");
  EXPECT_THAT(repo.first_parent_line(FakeGit::sha("d"), FakeGit::sha("a")),
              ElementsAre(FakeGit::sha("b"), FakeGit::sha("c"), FakeGit::sha("d")));
  EXPECT_TRUE(repo.is_ancestor(FakeGit::sha("a"), FakeGit::sha("d")));
  EXPECT_FALSE(repo.is_ancestor(FakeGit::sha("d"), FakeGit::sha("a")));
}

TEST(GitRepo, ReadsParentsAndSubjects) {
  FakeGit git = history();
  git.commit("topic", {"b"});
  git.commit("merge", {"d", "topic"}, "Merge branch 'topic'");
  GitRepo repo(git, "/src/kmod");
  EXPECT_THAT(repo.parents(FakeGit::sha("merge")), ElementsAre(FakeGit::sha("d"), FakeGit::sha("topic")));
  EXPECT_THAT(repo.parents(FakeGit::sha("a")), ::testing::IsEmpty());
  EXPECT_EQ(repo.subject(FakeGit::sha("merge")), "Merge branch 'topic'");
}

TEST(GitRepo, MaterialisesInASharedCloneOnceAndNeverWritesTheRepository) {
  ScratchDir dir;
  FakeGit git = history();
  GitRepo repo(git, "/src/kmod");
  const GitRepo clone = repo.shared_clone(dir.path() / "work/src");
  repo.shared_clone(dir.path() / "work/src");  // a resume: the clone is there
  ASSERT_EQ(git.clones.size(), 1u);
  const auto clone_call = git.calls.front();
  EXPECT_THAT(clone_call, Contains("--shared"));
  EXPECT_THAT(clone_call, Contains("--no-checkout"));
  clone.check_out(FakeGit::sha("c"));
  EXPECT_THAT(git.checkouts, ElementsAre(FakeGit::sha("c")));
  for (const auto& call : git.calls) {
    if (call.size() > 3 && call[1] == "-C" && call[2] == "/src/kmod") {
      EXPECT_THAT(call, Not(Contains("checkout")));
      EXPECT_THAT(call, Not(Contains("bisect")));
      EXPECT_THAT(call, Not(Contains("worktree")));
    }
  }
  EXPECT_EQ(git.calls.back()[3], "clean");  // nothing left from the previous revision
}

// The real kmod history, v30 (autotools) to v34.2 (meson).
class IntegrationKmodBundle : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* env = std::getenv("KMX_KMOD_BUNDLE");
    // shared/ sits beside the checkout, here and in CI's clone.
    bundle_ = env && *env ? fs::path(env) : fs::path(KMX_SOURCE_DIR) / "../shared/data/kmod.bundle";
    if (!fs::exists(bundle_))
      GTEST_SKIP() << "no kmod history at " << bundle_
                   << " (set KMX_KMOD_BUNDLE to a bundle or clone of kmod's git, e.g. git clone of kmod-project/kmod)";
    repo_dir_ = dir_.path() / "kmod";
    const ProcessResult r = runner_.run({"git", "clone", "--quiet", "--no-checkout", bundle_.string(), repo_dir_});
    ASSERT_TRUE(r.ok()) << r.output;
  }
  ScratchDir dir_;
  BoostProcessRunner runner_;
  fs::path bundle_;
  fs::path repo_dir_;
};

TEST_F(IntegrationKmodBundle, ListsTheCommitsFromV30ToV34_2) {
  GitRepo repo(runner_, repo_dir_);
  const std::string v30 = repo.resolve("v30");
  const std::string v34_2 = repo.resolve("v34.2");
  EXPECT_TRUE(repo.is_ancestor(v30, v34_2));
  const auto line = repo.first_parent_line(v34_2, v30);
  EXPECT_EQ(line.size(), 654u);  // kmod's history there is linear
  EXPECT_EQ(line.back(), v34_2);
  EXPECT_THAT(repo.parents(line.front()), ElementsAre(v30));
  EXPECT_EQ(repo.subject(v34_2), "kmod 34.2");
}

TEST_F(IntegrationKmodBundle, MaterialisesRevisionsWithoutTouchingTheRepository) {
  GitRepo repo(runner_, repo_dir_);
  const ProcessResult head_before = runner_.run({"git", "-C", repo_dir_.string(), "rev-parse", "HEAD"});
  const GitRepo clone = repo.shared_clone(dir_.path() / "work/src");
  clone.check_out(repo.resolve("v30"));
  EXPECT_TRUE(fs::exists(clone.dir() / "libkmod"));
  EXPECT_TRUE(fs::exists(clone.dir() / "configure.ac"));  // built with autotools
  EXPECT_FALSE(fs::exists(clone.dir() / "meson.build"));
  const auto middle = repo.first_parent_line(repo.resolve("v34.2"), repo.resolve("v30"))[327];
  clone.check_out(middle);
  EXPECT_EQ(clone.resolve("HEAD"), middle);
  clone.check_out(repo.resolve("v34.2"));
  EXPECT_TRUE(fs::exists(clone.dir() / "meson.build"));  // built with meson
  EXPECT_EQ(runner_.run({"git", "-C", repo_dir_.string(), "rev-parse", "HEAD"}).output, head_before.output);
  EXPECT_FALSE(fs::exists(repo_dir_ / ".git/worktrees"));
  EXPECT_FALSE(fs::exists(repo_dir_ / ".git/BISECT_LOG"));
}

// Issue 25: a commit read from bisect.json as "--output=FILE" reached git
// rev-list and git log, which truncated FILE. With real git: every
// revision follows --end-of-options, so such a value is a revision git
// cannot find, and no file is written.
TEST(IntegrationGitRepo, ARevisionThatLooksLikeAnOptionIsOnlyARevision) {
  ScratchDir dir;
  BoostProcessRunner runner;
  const fs::path repo_dir = dir.path() / "repo";
  for (const std::vector<std::string>& argv : {std::vector<std::string>{"git", "init", "--quiet", repo_dir.string()},
                                               {"git", "-C", repo_dir.string(), "-c", "user.name=t", "-c",
                                                "user.email=t@t", "commit", "--quiet", "--allow-empty", "-m", "first"}})
    ASSERT_TRUE(runner.run(argv).ok());
  write_file_atomically(dir.path() / "victim", "keep me\n");
  const std::string option = "--output=" + (dir.path() / "victim").string();
  const GitRepo repo(runner, repo_dir);
  const std::string head = repo.resolve("HEAD");
  EXPECT_THROW(repo.subject(option), GitError);
  EXPECT_THROW(repo.parents(option), GitError);
  EXPECT_THROW(repo.first_parent_line(option, head), GitError);
  EXPECT_THROW(repo.changed_files(option, head), GitError);
  EXPECT_THROW(repo.is_ancestor(option, head), GitError);
  EXPECT_THROW(repo.resolve(option), GitError);
  EXPECT_THROW(repo.check_out(option), GitError);
  EXPECT_EQ(read_file(dir.path() / "victim"), "keep me\n");
  EXPECT_FALSE(fs::exists(repo_dir / ("--output=" + (dir.path() / "victim").string())));
}

}  // namespace
}  // namespace kmx
