// images/build_dir_kernel_provider and source_kernel_provider with a fake
// process runner and a fake build directory.
#include "builtin_matrix.h"
#include "images/build_dir_kernel_provider.h"
#include "images/source_kernel_provider.h"
#include "images/tree_identity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "matrix/matrix.h"
#include "os/files.h"
#include "test_paths.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;
using namespace kmx::testing;

// What `make O=build bzImage modules` leaves behind, in miniature.
fs::path fake_build(const fs::path& at, const std::string& release = "6.12.95-kmx") {
  write_file_atomically(at / ".config", "CONFIG_MODULE_STATS=y\n");
  write_file_atomically(at / "arch/x86/boot/bzImage", "kernel");
  write_file_atomically(at / "Module.symvers", "0x0\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n");
  write_file_atomically(at / "include/config/kernel.release", release + "\n");
  return at;
}

BuildDirKernelSpec build_dir_spec(const fs::path& path) {
  BuildDirKernelSpec k{"mine", "m.toml:3:1"};
  k.path = path;
  return k;
}

TEST(BuildDirKernel, InstallsModulesAndUsesTheBuildForTestModules) {
  ScratchDir dir;
  const fs::path build = fake_build(dir.path() / "build");
  CacheDir cache(dir.path() / "cache");
  FakeProcessRunner runner;
  const KernelArtifacts k = BuildDirKernelProvider(runner, cache).prepare(build_dir_spec(build));
  EXPECT_EQ(k.release, "6.12.95-kmx");
  EXPECT_EQ(k.build_dir, build);
  EXPECT_EQ(k.sources, build);  // in-tree build: no source symlink
  EXPECT_TRUE(fs::exists(k.vmlinuz));
  ASSERT_GE(runner.calls.size(), 2u);
  EXPECT_THAT(runner.calls[0].argv, Contains("modules_install"));
  EXPECT_THAT(runner.calls[0].argv, Contains("DEPMOD=/bin/true"));
  EXPECT_EQ(runner.calls[1].argv[0], "depmod");
}

TEST(BuildDirKernel, OutOfTreeBuildFindsItsSourceThroughTheSymlink) {
  ScratchDir dir;
  fs::create_directories(dir.path() / "linux");
  const fs::path build = fake_build(dir.path() / "build");
  fs::create_symlink(dir.path() / "linux", build / "source");
  EXPECT_EQ(BuildDirKernelProvider::source_tree(build), fs::canonical(dir.path() / "linux"));
}

TEST(BuildDirKernel, UnfinishedBuildIsBadInputNamingTheMissingFile) {
  ScratchDir dir;
  const fs::path build = fake_build(dir.path() / "build");
  fs::remove(build / "arch/x86/boot/bzImage");
  CacheDir cache(dir.path() / "cache");
  FakeProcessRunner runner;
  try {
    BuildDirKernelProvider(runner, cache).prepare(build_dir_spec(build));
    FAIL() << "no error";
  } catch (const UnknownInputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("bzImage"));
    EXPECT_THAT(e.what(), HasSubstr("m.toml:3:1"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
  EXPECT_TRUE(runner.calls.empty());
}

// A kernel source tree, as far as the source provider looks.
fs::path fake_kernel_tree(const fs::path& at) {
  write_file_atomically(at / "Makefile", "VERSION = 6\n");
  fs::create_directories(at / "kernel");
  return at;
}

// Plays build-kernel.sh: leaves a finished build where it was asked to.
struct FakeKernelBuild : FakeProcessRunner {
  ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
    if (argv[0].ends_with("build-kernel.sh")) fake_build(argv[2]);
    return FakeProcessRunner::run(argv, o);
  }
};

TEST(SourceKernel, BuildsOnceWithTheDefaultFragmentThenReusesTheBuild) {
  ScratchDir dir;
  fake_kernel_tree(dir.path() / "linux");
  const fs::path data = fs::path(KMX_TESTDATA) / "../../../images";
  CacheDir cache(dir.path() / "cache");
  FakeKernelBuild runner;
  SourceKernelSpec spec{"src", "m.toml:5:1"};
  spec.path = dir.path() / "linux";
  SourceKernelProvider provider(runner, cache, data);
  const KernelArtifacts first = provider.prepare(spec);
  ASSERT_FALSE(runner.calls.empty());
  EXPECT_THAT(runner.calls[0].argv.back(), HasSubstr("module-debug.config"));
  EXPECT_FALSE(runner.calls[0].options.output_file.empty());  // the log progress is read from
  const std::size_t builds = runner.calls.size();
  const KernelArtifacts second = provider.prepare(spec);
  EXPECT_EQ(first.id, second.id);
  for (std::size_t i = builds; i < runner.calls.size(); ++i)
    EXPECT_FALSE(runner.calls[i].argv[0].ends_with("build-kernel.sh"));
}

TEST(SourceKernel, APersistentBuildDirIsBuiltInPlaceEveryTime) {
  ScratchDir dir;
  fake_kernel_tree(dir.path() / "linux");
  const fs::path data = fs::path(KMX_TESTDATA) / "../../../images";
  CacheDir cache(dir.path() / "cache");
  FakeKernelBuild runner;
  SourceKernelSpec spec{"git-0123456789ab", "bisect"};
  spec.path = dir.path() / "linux";
  spec.build_dir = dir.path() / "work/build";
  SourceKernelProvider provider(runner, cache, data);
  const KernelArtifacts first = provider.prepare(spec);
  EXPECT_EQ(first.build_dir, spec.build_dir);
  provider.prepare(spec);  // the next revision: make again in the same O= directory
  int builds = 0;
  for (const auto& call : runner.calls)
    if (call.argv[0].ends_with("build-kernel.sh")) {
      ++builds;
      EXPECT_EQ(call.argv[2], spec.build_dir.string());
    }
  EXPECT_EQ(builds, 2);
  EXPECT_FALSE(fs::exists(dir.path() / "cache/kernel-builds"));
  EXPECT_EQ(runner.calls[0].options.output_file, dir.path() / "work/build.log");
}

TEST(SourceKernel, FragmentOptionsTheKernelDidNotTakeAreReadFromTheLog) {
  // What build-kernel.sh printed for linux-source-6.1 with module-debug.config.
  EXPECT_THAT(SourceKernelProvider::options_not_applied(
                  "  CC      kernel/module/main.o\n"
                  "build-kernel: CONFIG_MODULE_DEBUG=y not applied (unknown to this kernel?)\n"
                  "build-kernel: CONFIG_MODULE_STATS=y not applied (unknown to this kernel?)\n"
                  "  LD      vmlinux\n"),
              ::testing::ElementsAre("CONFIG_MODULE_DEBUG=y", "CONFIG_MODULE_STATS=y"));
}

TEST(SourceKernel, IdentityChangesWhenAFileChanges) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "linux/Makefile", "VERSION = 6\n");
  FakeProcessRunner runner;
  const std::string before = tree_identity(runner, dir.path() / "linux");
  write_file_atomically(dir.path() / "linux/Makefile", "VERSION = 7\n");
  EXPECT_NE(before, tree_identity(runner, dir.path() / "linux"));
}

TEST(SourceKernel, NotAKernelTreeIsBadInput) {
  ScratchDir dir;
  FakeProcessRunner runner;
  CacheDir cache(dir.path() / "cache");
  SourceKernelSpec spec{"src", "m.toml:5:1"};
  spec.path = dir.path();
  EXPECT_THROW(SourceKernelProvider(runner, cache, dir.path()).prepare(spec), UnknownInputError);
}

TEST(MatrixKernelSources, BuildDirAndSourcePathsAreRelativeToTheMatrix) {
  const Matrix m = parse_matrix_text(
      "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
      "[[kernel]]\nname = \"mine\"\nsource = \"build-dir\"\npath = \"../linux/build\"\n"
      "[[kernel]]\nname = \"src\"\nsource = \"source\"\npath = \"/src/linux\"\nconfig = [\"frag.config\"]\n"
      "[[kmod]]\nname = \"host\"\n",
      "/work/matrices/m.toml");
  EXPECT_EQ(m.kernels[0].settings_as<BuildDirKernelSpec>().path, fs::path("/work/matrices/../linux/build"));
  const auto& source = m.kernels[1].settings_as<SourceKernelSpec>();
  EXPECT_EQ(source.path, fs::path("/src/linux"));
  ASSERT_EQ(source.config.size(), 1u);
  EXPECT_EQ(source.config[0], fs::path("/work/matrices/frag.config"));
}

TEST(MatrixKernelSources, ConfigOnABuildDirIsAnError) {
  EXPECT_THROW(
      parse_matrix_text("tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
                        "[[kernel]]\nname = \"mine\"\nsource = \"build-dir\"\npath = \"/b\"\nconfig = [\"x\"]\n"
                        "[[kmod]]\nname = \"host\"\n",
                        "m.toml"),
      MatrixError);
}

}  // namespace
}  // namespace kmx
