// images/: module closure, ldd parsing, the initramfs writer, the
// content-addressed cache and the test module builder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "fakes.h"
#include "images/cache_dir.h"
#include "images/initramfs_writer.h"
#include "images/module_index.h"
#include "images/shared_libs.h"
#include "images/test_module_builder.h"
#include "os/files.h"
#include "test_paths.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using namespace kmx::testing;

// What depmod writes for a kernel with xfs modular (trimmed).
constexpr std::string_view kModulesDep =
    "kernel/fs/xfs/xfs.ko.xz: kernel/lib/libcrc32c.ko.xz\n"
    "kernel/lib/libcrc32c.ko.xz:\n"
    "kernel/crypto/crc32c_generic.ko.xz:\n"
    "kernel/drivers/net/dummy.ko.xz:\n"
    "kernel/drivers/block/null_blk/null_blk.ko.xz: kernel/drivers/block/loop.ko.xz\n"
    "kernel/drivers/block/loop.ko.xz:\n"
    "kernel/drivers/hid/hid-generic.ko.xz:\n";
constexpr std::string_view kModulesSoftdep =
    "# Soft dependencies extracted from modules themselves.\n"
    "softdep libcrc32c pre: crc32c\n";
constexpr std::string_view kModulesAlias =
    "# Aliases extracted from modules themselves.\n"
    "alias crypto-crc32c crc32c_generic\n"
    "alias crc32c crc32c_generic\n"
    "alias fs-xfs xfs\n"
    "alias pci:v*d*sv*sd*bc0Csc03i30* xhci_pci\n";

ModuleIndex index() { return ModuleIndex::parse(kModulesDep, kModulesSoftdep, kModulesAlias); }

TEST(ModuleIndex, ModuleNameDropsDirectoryAndKoSuffix) {
  EXPECT_EQ(ModuleIndex::module_name("kernel/fs/xfs/xfs.ko.xz"), "xfs");
  EXPECT_EQ(ModuleIndex::module_name("crc32c_generic.ko"), "crc32c_generic");
  EXPECT_EQ(ModuleIndex::module_name("xfs"), "xfs");
}

TEST(ModuleIndex, ModuleNameTurnsDashesIntoUnderscores) {
  EXPECT_EQ(ModuleIndex::module_name("kernel/drivers/hid/hid-generic.ko.zst"), "hid_generic");
}

TEST(ModuleIndex, SoftdepThatResolvesToNothingIsSkippedNotMissing) {
  // crc32c built into the kernel: no module, no alias, nothing to load.
  ModuleIndex idx = ModuleIndex::parse("kernel/fs/xfs/xfs.ko: kernel/lib/libcrc32c.ko\nkernel/lib/libcrc32c.ko:\n",
                                       "softdep libcrc32c pre: crc32c\n", "");
  std::vector<std::string> missing;
  EXPECT_THAT(idx.closure({"xfs"}, missing), ElementsAre("kernel/fs/xfs/xfs.ko", "kernel/lib/libcrc32c.ko"));
  EXPECT_THAT(missing, IsEmpty());
}

TEST(ModuleIndex, ClosureFollowsHardDepsThenSoftdepsThroughAliases) {
  std::vector<std::string> missing;
  EXPECT_THAT(index().closure({"xfs"}, missing), ElementsAre("kernel/fs/xfs/xfs.ko.xz", "kernel/lib/libcrc32c.ko.xz",
                                                             "kernel/crypto/crc32c_generic.ko.xz"));
  EXPECT_THAT(missing, IsEmpty());
}

TEST(ModuleIndex, ClosureResolvesAnAliasGivenAsName) {
  std::vector<std::string> missing;
  EXPECT_THAT(index().closure({"fs-xfs"}, missing), ElementsAre("kernel/fs/xfs/xfs.ko.xz", "kernel/lib/libcrc32c.ko.xz",
                                                                "kernel/crypto/crc32c_generic.ko.xz"));
}

TEST(ModuleIndex, ClosureAcceptsDashedNames) {
  std::vector<std::string> missing;
  EXPECT_THAT(index().closure({"hid-generic"}, missing), ElementsAre("kernel/drivers/hid/hid-generic.ko.xz"));
}

TEST(ModuleIndex, ClosureListsEachModuleOnce) {
  std::vector<std::string> missing;
  EXPECT_THAT(
      index().closure({"libcrc32c", "xfs", "crc32c"}, missing),
      ElementsAre("kernel/lib/libcrc32c.ko.xz", "kernel/crypto/crc32c_generic.ko.xz", "kernel/fs/xfs/xfs.ko.xz"));
}

TEST(ModuleIndex, UnknownNamesAreReportedMissing) {
  std::vector<std::string> missing;
  EXPECT_THAT(index().closure({"btrfs", "dummy", "xhci_pci"}, missing), ElementsAre("kernel/drivers/net/dummy.ko.xz"));
  EXPECT_THAT(missing, ElementsAre("btrfs", "xhci_pci"));  // glob aliases are not resolved
}

TEST(SharedLibs, ParsesLddKeepingLoaderAndSkippingVdso) {
  std::vector<std::string> missing;
  const auto libs = parse_ldd_output(
      "\tlinux-vdso.so.1 (0x00007ffc8a7f2000)\n"
      "\tlibzstd.so.1 => /lib/x86_64-linux-gnu/libzstd.so.1 (0x00007f7d1a6c1000)\n"
      "\tliblzma.so.5 => /lib/x86_64-linux-gnu/liblzma.so.5 (0x00007f7d1a692000)\n"
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f7d1a4b1000)\n"
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f7d1a7c6000)\n",
      missing);
  EXPECT_THAT(libs, ElementsAre("/lib/x86_64-linux-gnu/libzstd.so.1", "/lib/x86_64-linux-gnu/liblzma.so.5",
                                "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"));
  EXPECT_THAT(missing, IsEmpty());
}

TEST(SharedLibs, UnresolvedLibrariesAreMissing) {
  std::vector<std::string> missing;
  const auto libs = parse_ldd_output(
      "\tlibcap.so.2 => not found\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f7d1a4b1000)\n", missing);
  EXPECT_THAT(libs, ElementsAre("/lib/x86_64-linux-gnu/libc.so.6"));
  EXPECT_THAT(missing, ElementsAre("libcap.so.2"));
}

TEST(SharedLibs, StaticPieHasNoLibraries) {
  std::vector<std::string> missing;
  EXPECT_THAT(parse_ldd_output("\tstatically linked\n", missing), IsEmpty());
  EXPECT_THAT(missing, IsEmpty());
}

// Files the writer tests put into an image.
struct ImageInputsOnDisk {
  ScratchDir dir;
  fs::path agent = dir.path() / "kmx-agent";
  fs::path modules = dir.path() / "modules";
  ImageInputsOnDisk() {
    write_file_atomically(agent, "#!/bin/sh\necho agent\n");
    write_file_atomically(modules / "kernel/fs/xfs/xfs.ko.xz", "xfs bytes");
    write_file_atomically(modules / "modules.dep", std::string(kModulesDep));
  }
  InitramfsWriter writer() const {
    InitramfsWriter w;
    w.add_directory("/proc");
    w.add_file("/init", agent);
    w.add_symlink("/sbin/modprobe", "/bin/kmod");
    w.add_tree("/lib/modules/6.1.0-56-amd64", modules);
    return w;
  }
};

TEST(InitramfsWriter, MissingInputFileIsAnImageError) {
  InitramfsWriter w;
  EXPECT_THROW(w.add_file("/init", "/nonexistent/kmx-agent"), ImageError);
}

TEST(InitramfsWriter, SameInputsGiveIdenticalBytes) {
  ImageInputsOnDisk in;
  in.writer().write(in.dir.path() / "a.cpio");
  in.writer().write(in.dir.path() / "b.cpio");
  const std::string a = read_file(in.dir.path() / "a.cpio");
  EXPECT_GT(a.size(), 512u);
  EXPECT_EQ(a, read_file(in.dir.path() / "b.cpio"));
}

TEST(IntegrationInitramfsWriter, CpioListsEveryEntryWithParents) {
  ImageInputsOnDisk in;
  const fs::path image = in.dir.path() / "initrd.cpio";
  in.writer().write(image);
  BoostProcessRunner runner;
  const std::vector<std::string> argv = {"cpio", "-it", "--quiet", "-I", image.string()};
  const ProcessResult r = runner.run(argv, {});
  ASSERT_TRUE(r.ok()) << r.describe(argv);
  std::vector<std::string> entries;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) entries.push_back(line);
  EXPECT_THAT(entries, ElementsAre("init", "lib", "lib/modules", "lib/modules/6.1.0-56-amd64",
                                   "lib/modules/6.1.0-56-amd64/kernel", "lib/modules/6.1.0-56-amd64/kernel/fs",
                                   "lib/modules/6.1.0-56-amd64/kernel/fs/xfs",
                                   "lib/modules/6.1.0-56-amd64/kernel/fs/xfs/xfs.ko.xz",
                                   "lib/modules/6.1.0-56-amd64/modules.dep", "proc", "sbin", "sbin/modprobe"));
}

TEST(CacheDir, BuildsOnceAndReusesTheEntry) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  int builds = 0;
  auto build = [&](const fs::path& tmp) {
    ++builds;
    write_file_atomically(tmp / "initrd.cpio", "image");
  };
  const fs::path first = cache.ensure("images", "k1", build);
  const fs::path second = cache.ensure("images", "k1", build);
  EXPECT_EQ(builds, 1);
  EXPECT_EQ(first, dir.path() / "images" / "k1");
  EXPECT_EQ(second, first);
  EXPECT_EQ(read_file(first / "initrd.cpio"), "image");
}

TEST(CacheDir, ThrowingBuilderLeavesNoEntryAndNoTemporary) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  EXPECT_THROW(cache.ensure("images", "k1",
                            [](const fs::path& tmp) {
                              write_file_atomically(tmp / "half", "x");
                              throw ImageError("depmod failed");
                            }),
               ImageError);
  EXPECT_FALSE(fs::exists(dir.path() / "images" / "k1"));
  for (const auto& e : fs::directory_iterator(dir.path() / "images"))
    EXPECT_EQ(e.path().extension(), ".lock") << e.path();
  int builds = 0;
  cache.ensure("images", "k1", [&](const fs::path&) { ++builds; });
  EXPECT_EQ(builds, 1);  // a later run builds it afresh
}

// A kernel whose sources hold stand-ins for test_kmod.c and test_module.c.
struct ModuleBuildFixture {
  ScratchDir dir;
  KernelArtifacts kernel{"kid", "6.1.0-56-amd64", {}, {}, dir.path() / "build", dir.path() / "src"};
  fs::path ours = fs::path(KMX_TESTDATA) / "../../../images/modules";
  CacheDir cache{dir.path() / "cache"};
  ModuleBuildFixture() {
    write_file_atomically(dir.path() / "src/lib/test_kmod.c", "int x;\n");
    write_file_atomically(dir.path() / "src/lib/test_module.c", "int y;\n");
  }
};

TEST(TestModuleBuilder, NamespaceColumnIsEmptiedForTheNoImportPass) {
  ModuleBuildFixture f;
  auto& [dir, kernel, ours, cache] = f;
  // A fake make: pass 1 leaves a Module.symvers, pass 2 records the symvers it was given.
  struct SymversMake : FakeProcessRunner {
    std::string seen;
    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
      const std::string m = argv[3].substr(2);
      if (argv.size() == 7)
        write_file_atomically(fs::path(m) / "Module.symvers",
                              "0xbd6f8b90\tkmx_ns_value\t" + m + "/kmx_ns_exporter\tEXPORT_SYMBOL_GPL\tKMX_TEST_NS\n");
      else
        seen = read_file(argv[6].substr(std::string("KBUILD_EXTRA_SYMBOLS=").size()));
      return FakeProcessRunner::run(argv, o);
    }
  } runner;
  build_test_modules(runner, cache, kernel, ours);
  ASSERT_EQ(runner.calls.size(), 2u);
  EXPECT_THAT(runner.seen, HasSubstr("\tkmx_ns_value\t"));
  EXPECT_THAT(runner.seen, HasSubstr("EXPORT_SYMBOL_GPL\t\n"));
  EXPECT_THAT(runner.seen, Not(HasSubstr("KMX_TEST_NS")));
}

TEST(TestModuleBuilder, ModulesTheKernelWouldRefuseAreAnErrorBeforeAnyTest) {
  ModuleBuildFixture f;
  auto& [dir, kernel, ours, cache] = f;
  kernel.modules_root = dir.path() / "root";
  write_file_atomically(kernel.modules_root / "lib/modules/6.1.0-56-amd64/kernel/fs/xfs/xfs.ko", "elf");
  // readelf sees a struct module of 0x380 bytes in the kernel's xfs.ko and
  // 0x3c0 in the freshly built test_module.ko.
  struct Readelf : FakeProcessRunner {
    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
      FakeProcessRunner::run(argv, o);
      if (argv[0] != "readelf") return exited(0);
      const std::string size = argv.back().ends_with("xfs.ko") ? "000380" : "0003c0";
      return exited(0, "  [ 4] .gnu.linkonce.this_module PROGBITS 0000000000000000 0000c0 " + size +
                           " 00 WA 0 0 64\n  [    0]  vermagic=6.1.0-56-amd64 SMP mod_unload modversions \n");
    }
  } runner;
  try {
    build_test_modules(runner, cache, kernel, ours);
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("would be refused by the kernel"));
    EXPECT_THAT(e.what(), HasSubstr("struct module of 960 bytes"));
  }
}

TEST(CacheDir, KeyNameIsSafeAndHashed) {
  const std::string key = cache_key_name("linux-image-6.1.0-56-amd64_6.1.192/2", "input");
  EXPECT_EQ(key, "linux-image-6.1.0-56-amd64_6.1.192_2-" + sha256_hex("input").substr(0, 16));
  EXPECT_NE(key, cache_key_name("linux-image-6.1.0-56-amd64_6.1.192/2", "other input"));
}

TEST(TestModuleBuilder, FailedMakeIsAnImageErrorAndCachesNothing) {
  ModuleBuildFixture f;
  auto& [dir, kernel, ours, cache] = f;
  FakeProcessRunner runner;
  runner.script("make", exited(2, "test_kmod.c:1: error: unknown type name\n"));
  try {
    build_test_modules(runner, cache, kernel, ours);
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("building test modules for 6.1.0-56-amd64 failed"));
    EXPECT_THAT(e.what(), HasSubstr("unknown type name"));
  }
  ASSERT_EQ(runner.calls.size(), 1u);
  EXPECT_EQ(runner.calls[0].argv[2], (dir.path() / "build").string());
  for (const auto& e : fs::directory_iterator(dir.path() / "cache/test-modules"))
    EXPECT_EQ(e.path().extension(), ".lock") << e.path();
}

}  // namespace
}  // namespace kmx
