// images/image_builder: the initramfs of one (kernel, kmod, agent) triple,
// cached by content; the kmod under test writes the guest's module index.
#include "images/image_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_bzimage.h"
#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;
using namespace kmx::testing;

constexpr const char* kRelease = "6.1.0-56-amd64";

// A kernel, kmod, test modules, suites and agent laid out on disk; the
// host's busybox, bash and capsh go in as they are.
class ImageBuilderTest : public ::testing::Test {
 protected:
  ImageBuilderTest() : cache_(dir_.path() / "cache") {
    const fs::path modules = dir_.path() / "kernel/lib/modules" / kRelease;
    write_file_atomically(modules / "kernel/fs/xfs/xfs.ko", "xfs");
    write_file_atomically(modules / "kernel/lib/libcrc32c.ko", "crc");
    write_file_atomically(modules / "modules.dep",
                          "kernel/fs/xfs/xfs.ko: kernel/lib/libcrc32c.ko\nkernel/lib/libcrc32c.ko:\n");
    write_file_atomically(dir_.path() / "src/tools/testing/selftests/kmod/kmod.sh", "#!/bin/bash\n");
    write_file_atomically(dir_.path() / "test-modules/test_kmod.ko", "ko");
    write_file_atomically(dir_.path() / "suites/common.sh", "# suite\n");
    write_file_atomically(dir_.path() / "kmx-agent", "agent");
    write_file_atomically(dir_.path() / "kmod", "kmod binary");
    in_.kernel = KernelArtifacts{
        "kernel-1",          kRelease,          dir_.path() / "vmlinuz", dir_.path() / "kernel", dir_.path() / "build",
        dir_.path() / "src", "Debian's headers"};
    in_.kmod = KmodArtifacts{"kmod-1", dir_.path() / "kmod"};
    in_.test_modules = dir_.path() / "test-modules";
    in_.suites = dir_.path() / "suites";
    in_.agent = dir_.path() / "kmx-agent";
  }
  std::vector<std::string> programs() const {
    std::vector<std::string> out;
    for (const auto& c : runner_.calls) out.push_back(fs::path(c.argv.at(0)).filename().string());
    return out;
  }

  ScratchDir dir_;
  FakeProcessRunner runner_;
  CacheDir cache_;
  ImageInputs in_;
};

TEST_F(ImageBuilderTest, BuildsAnInitramfsWithTheModuleClosure) {
  const Image image = ImageBuilder(runner_, cache_).build(in_);
  EXPECT_TRUE(fs::exists(image.initrd));
  EXPECT_EQ(image.kernel_release, kRelease);
  EXPECT_EQ(image.test_modules_built_against, "Debian's headers");
  const std::string manifest = read_file(image.initrd.parent_path() / "modules.txt");
  EXPECT_THAT(manifest, HasSubstr("kernel/fs/xfs/xfs.ko\n"));
  EXPECT_THAT(manifest, HasSubstr("kernel/lib/libcrc32c.ko\n"));
}

TEST_F(ImageBuilderTest, TheKmodUnderTestRunsDepmodOverTheStagedTree) {
  in_.kmod.library_dir = dir_.path() / "kmod-lib";
  ImageBuilder(runner_, cache_).build(in_);
  ASSERT_THAT(programs(), Contains("depmod"));
  for (const auto& c : runner_.calls) {
    if (fs::path(c.argv[0]).filename() != "depmod") continue;
    EXPECT_EQ(c.argv.back(), kRelease);
    EXPECT_EQ(c.options.env.at("LD_LIBRARY_PATH"), (dir_.path() / "kmod-lib").string());
  }
}

TEST_F(ImageBuilderTest, SameInputsReuseTheCachedImage) {
  const Image first = ImageBuilder(runner_, cache_).build(in_);
  const std::size_t calls = runner_.calls.size();
  const Image second = ImageBuilder(runner_, cache_).build(in_);
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(runner_.calls.size(), calls);
}

// Taken out once per kernel and shared by its images; a kernel without the
// PVH note keeps its bzImage, and is not decompressed again.
TEST_F(ImageBuilderTest, AKernelWithAPvhEntryIsTakenOutOnceForEveryImage) {
  const std::string kernel = elf_with_note("Xen", 18);
  write_file_atomically(in_.kernel.vmlinuz, bzimage(compress(kernel, ARCHIVE_FILTER_XZ), kernel.size()));
  const Image first = ImageBuilder(runner_, cache_).build(in_);
  ASSERT_FALSE(first.pvh_kernel.empty());
  EXPECT_EQ(read_file(first.pvh_kernel), kernel);
  EXPECT_EQ(first.vmlinuz, in_.kernel.vmlinuz);
  write_file_atomically(in_.suites / "common.sh", "# another image of the same kernel\n");
  const Image second = ImageBuilder(runner_, cache_).build(in_);
  EXPECT_NE(second.id, first.id);
  EXPECT_EQ(second.pvh_kernel, first.pvh_kernel);

  in_.kernel.id = "kernel-2";
  const std::string plain = elf_with_note("GNU", 3);
  write_file_atomically(in_.kernel.vmlinuz, bzimage(compress(plain, ARCHIVE_FILTER_GZIP), plain.size()));
  EXPECT_TRUE(ImageBuilder(runner_, cache_).build(in_).pvh_kernel.empty());
  write_file_atomically(in_.kernel.vmlinuz, "no longer read: the cache says this kernel has no PVH entry");
  EXPECT_TRUE(ImageBuilder(runner_, cache_).build(in_).pvh_kernel.empty());
}

TEST_F(ImageBuilderTest, AChangedSuiteScriptIsANewImage) {
  const Image first = ImageBuilder(runner_, cache_).build(in_);
  write_file_atomically(in_.suites / "common.sh", "# suite, edited\n");
  EXPECT_NE(ImageBuilder(runner_, cache_).build(in_).id, first.id);
}

TEST_F(ImageBuilderTest, AKernelWithoutXfsAsAModuleIsAnErrorWithItsFix) {
  write_file_atomically(dir_.path() / "kernel/lib/modules" / kRelease / "modules.dep", "kernel/lib/libcrc32c.ko:\n");
  try {
    ImageBuilder(runner_, cache_).build(in_);
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("has no module 'xfs'"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

// Fails depmod (run through a symlink in the cache's temporary entry).
class DepmodFails : public FakeProcessRunner {
 public:
  ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options) override {
    FakeProcessRunner::run(argv, options);
    return fs::path(argv.at(0)).filename() == "depmod" ? exited(1, "depmod: ERROR: bad index") : exited(0);
  }
};

TEST_F(ImageBuilderTest, FailingDepmodIsAnImageErrorAndCachesNothing) {
  DepmodFails runner;
  EXPECT_THROW(ImageBuilder(runner, cache_).build(in_), ImageError);
  for (const auto& e : fs::directory_iterator(dir_.path() / "cache/images"))
    EXPECT_EQ(e.path().extension(), ".lock") << e.path();  // no entry, no temporary
}

}  // namespace
}  // namespace kmx
