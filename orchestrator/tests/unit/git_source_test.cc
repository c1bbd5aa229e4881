// images/git_source, git_kmod_provider, git_kernel_provider: a repository
// and a ref that moves, pinned to one commit when a run starts, recorded,
// and checked out once in the cache (a fake git stands in).
#include "images/git_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_matrix.h"
#include "fake_git.h"
#include "fakes.h"
#include "images/artifacts.h"
#include "images/git_kernel_provider.h"
#include "images/git_kmod_provider.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace kmx::testing;

std::string matrix_with_kmod(const std::string& kmod_table) {
  return "tests = [\"softdep:pre-post\"]\nvcpus = [1]\nmemory_mib = [512]\n"
         "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
         "[[kmod]]\n" +
         kmod_table;
}

class GitSourceTest : public ::testing::Test {
 protected:
  GitSourceTest() {
    git_.line({"v34", "softdep-change", "tip"});
    git_.commit("tip", {"softdep-change"}, "libkmod: skip softdep lines");
    git_.tag("master", "tip");
    git_.tag("v34.2", "v34");
    fs::create_directories(dir_.path() / "kmod.git");
  }
  std::string table(const std::string& ref) const {
    return "name = \"kmod-master\"\nsource = \"git\"\nrepo = \"" + (dir_.path() / "kmod.git").string() +
           "\"\nref = \"" + ref + "\"\n";
  }
  ScratchDir dir_;
  FakeGit git_;
};

TEST_F(GitSourceTest, ARefIsPinnedToItsCommitAndRecordedWithItsSubject) {
  Matrix m = parse_matrix_text(matrix_with_kmod(table("master")), "m.toml");
  ASSERT_EQ(m.kmods.front().source, "git");
  CacheDir cache(dir_.path() / "cache");
  GitKmodProvider concrete(git_, cache);
  KmodProvider& provider = concrete;  // what the image source calls
  provider.pin(m.kmods.front(), "");
  EXPECT_EQ(m.kmods.front().recorded("ref"), "master");
  EXPECT_EQ(m.kmods.front().recorded("commit"), FakeGit::sha("tip"));
  EXPECT_EQ(m.kmods.front().recorded("subject"), "libkmod: skip softdep lines");
  EXPECT_EQ(provider.resolve(m.kmods.front()), "git " + (dir_.path() / "kmod.git").string() + " master -> " +
                                                   FakeGit::sha("tip").substr(0, 12) + " libkmod: skip softdep lines");
  // The ref moves on; a resumed run keeps what it recorded.
  Matrix again = parse_matrix_text(matrix_with_kmod(table("master")), "m.toml");
  provider.pin(again.kmods.front(), FakeGit::sha("v34"));
  EXPECT_EQ(again.kmods.front().recorded("commit"), FakeGit::sha("v34"));
}

TEST_F(GitSourceTest, TheRevisionIsResolvedWithEndOfOptions) {
  Matrix m = parse_matrix_text(matrix_with_kmod(table("v34.2")), "m.toml");
  CacheDir cache(dir_.path() / "cache");
  GitKmodProvider concrete(git_, cache);
  static_cast<KmodProvider&>(concrete).pin(m.kmods.front(), "");
  bool saw = false;
  for (const auto& call : git_.calls)
    if (std::find(call.begin(), call.end(), "rev-parse") != call.end())
      saw = saw || std::find(call.begin(), call.end(), "--end-of-options") != call.end();
  EXPECT_TRUE(saw);
}

TEST_F(GitSourceTest, AnUnknownRefIsBadInputNamingTheTable) {
  Matrix m = parse_matrix_text(matrix_with_kmod(table("no-such-branch")), "m.toml");
  CacheDir cache(dir_.path() / "cache");
  GitKmodProvider concrete(git_, cache);
  KmodProvider& provider = concrete;  // what the image source calls
  try {
    provider.pin(m.kmods.front(), "");
    FAIL() << "no error";
  } catch (const UnknownInputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("m.toml:"));
    EXPECT_THAT(e.what(), HasSubstr("'kmod-master': ref 'no-such-branch'"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

TEST_F(GitSourceTest, AMissingRepoOrARecordedCommitThatIsNoShaIsBadInput) {
  Matrix m = parse_matrix_text(
      matrix_with_kmod("name = \"k\"\nsource = \"git\"\nrepo = \"/nonexistent/kmod.git\"\nref = \"master\"\n"),
      "m.toml");
  CacheDir cache(dir_.path() / "cache");
  GitKmodProvider concrete(git_, cache);
  KmodProvider& provider = concrete;  // what the image source calls
  EXPECT_THROW(provider.pin(m.kmods.front(), ""), UnknownInputError);
  Matrix other = parse_matrix_text(matrix_with_kmod(table("master")), "m.toml");
  EXPECT_THROW(provider.pin(other.kmods.front(), "--output=/tmp/x"), UnknownInputError);
}

TEST_F(GitSourceTest, ARefThatGitWouldReadAsAnOptionIsRefusedAtItsValue) {
  for (const char* ref : {"--output=/tmp/pwned", "a..b", "master~1", "", "two words"}) {
    try {
      (void)parse_matrix_text(matrix_with_kmod(table(ref)), "m.toml");
      ADD_FAILURE() << ref << ": accepted";
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("m.toml:")) << ref;
      EXPECT_THAT(e.what(), HasSubstr("fix:")) << ref;
    }
  }
}

TEST_F(GitSourceTest, TheCommitIsCheckedOutOnceInTheCache) {
  Matrix m = parse_matrix_text(matrix_with_kmod(table("master")), "m.toml");
  CacheDir cache(dir_.path() / "cache");
  GitKmodProvider concrete(git_, cache);
  static_cast<KmodProvider&>(concrete).pin(m.kmods.front(), "");
  const GitSourceSpec& spec = m.kmods.front().settings_as<GitSourceSpec>();
  const fs::path tree = git_source_tree(git_, cache, spec);
  EXPECT_EQ(tree.filename(), "src");
  EXPECT_EQ(git_.checkouts, std::vector<std::string>{FakeGit::sha("tip")});
  EXPECT_EQ(git_source_tree(git_, cache, spec), tree);  // cached: no second clone
  EXPECT_EQ(git_.clones.size(), 1u);
}

TEST(GitKernelSource, ReadsRepoRefAndConfigFragments) {
  const Matrix m = parse_matrix_text(
      "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
      "[[kernel]]\nname = \"linux-next\"\nsource = \"git\"\nrepo = \"/srv/linux.git\"\nref = \"master\"\n"
      "config = [\"images/config/module-debug.config\"]\n[[kmod]]\nname = \"host\"\n",
      "/work/m.toml");
  const auto& spec = m.kernels.front().settings_as<GitKernelSpec>();
  EXPECT_EQ(spec.git.repo, "/srv/linux.git");
  EXPECT_EQ(spec.git.ref, "master");
  ASSERT_EQ(spec.config.size(), 1u);
  EXPECT_EQ(spec.config.front(), "/work/images/config/module-debug.config");
}

}  // namespace
}  // namespace kmx
