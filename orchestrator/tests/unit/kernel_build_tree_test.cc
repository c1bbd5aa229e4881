// images/kernel_build_tree and images/module_abi: when a distribution's
// headers cannot build modules here, and whether a built module would be
// accepted by the kernel it is for.
#include "images/kernel_build_tree.h"
#include "images/module_abi.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "images/artifacts.h"
#include "os/files.h"
#include "test_paths.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace kmx::testing;

TEST(Kconfig, ParsesSetAndNotSetOptionsAndIgnoresComments) {
  const auto options = parse_kconfig(
      "#\n# Automatically generated file; DO NOT EDIT.\n#\nCONFIG_CC_VERSION_TEXT=\"gcc-12 (Debian) 12.2.0\"\n"
      "CONFIG_MODULES=y\n# CONFIG_MODVERSIONS is not set\nCONFIG_XFS_FS=m\n");
  EXPECT_EQ(options.at("CONFIG_CC_VERSION_TEXT"), "\"gcc-12 (Debian) 12.2.0\"");
  EXPECT_EQ(options.at("CONFIG_MODVERSIONS"), "n");
  EXPECT_EQ(options.at("CONFIG_XFS_FS"), "m");
  EXPECT_EQ(options.size(), 4u);
}

TEST(Kconfig, ChangesListOnlyDifferencesAndTreatAbsentAsN) {
  const auto before =
      parse_kconfig("CONFIG_RUST=y\nCONFIG_MODULES=y\n# CONFIG_KASAN is not set\nCONFIG_GCC_VERSION=160200\n");
  const auto after =
      parse_kconfig("CONFIG_MODULES=y\nCONFIG_GCC_VERSION=120200\nCONFIG_GCC_ASM_GOTO_OUTPUT_BROKEN=y\n");
  EXPECT_THAT(kconfig_changes(before, after), ElementsAre("CONFIG_GCC_ASM_GOTO_OUTPUT_BROKEN n -> y",
                                                          "CONFIG_GCC_VERSION 160200 -> 120200", "CONFIG_RUST y -> n"));
}

// A headers tree with one host program (an ELF file, as far as the check
// can tell) and a .config naming its compiler.
fs::path fake_headers(const fs::path& at, const std::string& compiler) {
  write_file_atomically(at / ".config", "CONFIG_CC_VERSION_TEXT=\"" + compiler + " (Debian) 1.0\"\n");
  write_file_atomically(at / "scripts/mod/modpost", std::string("\x7f"
                                                                "ELF\x02\x01\x01",
                                                                7));
  fs::permissions(at / "scripts/mod/modpost", fs::perms::owner_all);
  write_file_atomically(at / "scripts/checkstack.pl", "#!/usr/bin/perl\n");
  fs::permissions(at / "scripts/checkstack.pl", fs::perms::owner_all);
  return at;
}

TEST(HeadersCheck, MissingCompilerMakesHeadersUnusable) {
  ScratchDir dir;
  FakeProcessRunner runner;
  runner.script("sh", exited(1));
  const std::string why = headers_unusable_reason(runner, fake_headers(dir.path(), "x86_64-linux-gnu-gcc-16"));
  EXPECT_EQ(why, "its compiler x86_64-linux-gnu-gcc-16 is not installed on this host");
  EXPECT_THAT(runner.calls[0].argv, ElementsAre("sh", "-c", "command -v \"$1\"", "sh", "x86_64-linux-gnu-gcc-16"));
}

TEST(HeadersCheck, HostProgramNeedingANewerLibcMakesHeadersUnusable) {
  ScratchDir dir;
  FakeProcessRunner runner;
  runner.script("/lib64/ld-linux-x86-64.so.2",
                exited(0,
                       "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6\n"
                       "./modpost: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found "
                       "(required by ./modpost)\n"));
  const std::string why = headers_unusable_reason(runner, fake_headers(dir.path(), "gcc-12"));
  EXPECT_THAT(why, HasSubstr("scripts/mod/modpost does not load here"));
  EXPECT_THAT(why, HasSubstr("GLIBC_2.38' not found"));
  // Only the ELF program was asked about, not the perl script.
  ASSERT_EQ(runner.calls.size(), 2u);
  EXPECT_EQ(runner.calls[1].argv.back(), (dir.path() / "scripts/mod/modpost").string());
}

TEST(HeadersCheck, HeadersWhoseCompilerAndProgramsWorkAreUsable) {
  ScratchDir dir;
  FakeProcessRunner runner;
  EXPECT_THAT(headers_unusable_reason(runner, fake_headers(dir.path(), "gcc-12")), IsEmpty());
}

BuildTreeRequest request_in(const fs::path& dir) {
  write_file_atomically(dir / "headers/.config", "CONFIG_RUST=y\n");
  write_file_atomically(dir / "headers/Module.symvers", "0x0\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n");
  return {dir / "linux-source-6.1.tar.xz", dir / "headers", "6.1.0-56-amd64", dir / "work", dir / "tree"};
}

TEST(BuildTreeFromSource, SourceWithoutThePackerIsAnErrorWithAFix) {
  ScratchDir dir;
  FakeProcessRunner runner;  // unpacks nothing: no install-extmod-build
  try {
    prepare_build_tree_from_source(runner, request_in(dir.path()));
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("install-extmod-build"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
  ASSERT_EQ(runner.calls.size(), 1u);  // found out before any make
  EXPECT_EQ(runner.calls[0].argv[0], "tar");
}

TEST(BuildTreeFromSource, HeadersWithoutModuleSymversAreAnErrorBeforeAnyWork) {
  ScratchDir dir;
  FakeProcessRunner runner;
  const BuildTreeRequest request = request_in(dir.path());
  fs::remove(request.headers_dir / "Module.symvers");
  try {
    prepare_build_tree_from_source(runner, request);
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("has no Module.symvers"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
  EXPECT_TRUE(runner.calls.empty());
}

TEST(BuildTreeFromSource, ConfiguresWithTheKernelsReleaseAndPacksTheTree) {
  ScratchDir dir;
  struct Kbuild : FakeProcessRunner {
    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
      if (argv[0] == "tar") write_file_atomically(fs::path(argv[4]) / "scripts/package/install-extmod-build", "");
      return FakeProcessRunner::run(argv, o);
    }
  } runner;
  const BuildTreeRequest request = request_in(dir.path());
  prepare_build_tree_from_source(runner, request);
  ASSERT_EQ(runner.calls.size(), 4u);
  EXPECT_EQ(runner.calls[1].argv.back(), "olddefconfig");
  EXPECT_EQ(runner.calls[1].argv[4], "KERNELRELEASE=6.1.0-56-amd64");
  EXPECT_EQ(runner.calls[2].argv.back(), "modules_prepare");
  EXPECT_EQ(runner.calls[3].argv.back(),
            "KBUILD_RUN_COMMAND=$(srctree)/scripts/package/install-extmod-build " + request.out_dir.string());
  // The fake olddefconfig kept the kernel's .config: nothing changed.
  EXPECT_EQ(read_file(request.out_dir / "config-changes.txt"), "");
  EXPECT_FALSE(fs::exists(request.work_dir));
}

TEST(ModuleAbi, ReadsVermagicAndStructModuleSizeFromReadelf) {
  const ModuleAbi abi = parse_module_abi(read_file(fs::path(KMX_TESTDATA) / "readelf/test_module-7.2.13.txt"));
  EXPECT_EQ(abi.vermagic, "7.2.13+deb14-amd64 SMP preempt mod_unload ");
  EXPECT_EQ(abi.struct_module_size, 0x500u);
}

TEST(ModuleAbi, SingleDigitSectionNumbersAndRelaSectionsDoNotConfuseIt) {
  const ModuleAbi abi = parse_module_abi(
      "  [ 5] .rela.gnu.linkonce.this_module RELA 0000000000000000 018970 000030 18   I 46  14  8\n"
      "  [ 4] .gnu.linkonce.this_module PROGBITS        0000000000000000 0000c0 000380 00  WA  0   0 64\n");
  EXPECT_EQ(abi.struct_module_size, 0x380u);
  EXPECT_EQ(abi.vermagic, "");
}

TEST(ModuleAbi, CompressedModulesAreDecompressedBeforeReadelf) {
  ScratchDir dir;
  struct Xz : FakeProcessRunner {  // xz leaves the decompressed copy where it was told
    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
      if (argv[0] == "xz") write_file_atomically(o.output_file, "elf");
      return FakeProcessRunner::run(argv, o);
    }
  } runner;
  runner.script("readelf", exited(0, read_file(fs::path(KMX_TESTDATA) / "readelf/test_module-7.2.13.txt")));
  read_module_abi(runner, dir.path() / "xfs.ko.xz", dir.path());
  EXPECT_FALSE(fs::exists(dir.path() / "xfs.ko"));  // the copy is removed once read
  ASSERT_EQ(runner.calls.size(), 2u);
  EXPECT_THAT(runner.calls[0].argv, ElementsAre("xz", "-dc", (dir.path() / "xfs.ko.xz").string()));
  EXPECT_EQ(runner.calls[0].options.output_file, dir.path() / "xfs.ko");
  EXPECT_EQ(runner.calls[1].argv.back(), (dir.path() / "xfs.ko").string());
}

TEST(ModuleAbi, FileWithoutModuleSectionsIsAnError) {
  ScratchDir dir;
  FakeProcessRunner runner;
  runner.script("readelf", exited(0, "Section Headers:\n  [ 1] .text PROGBITS 0 40 10 00 AX 0 0 1\n"));
  EXPECT_THROW(read_module_abi(runner, dir.path() / "garbage.ko", dir.path()), ImageError);
}

TEST(ModuleAbi, MismatchNamesBothSidesAndTheFix) {
  try {
    require_same_module_abi({"7.2.13+deb14-amd64 SMP preempt mod_unload ", 0x4c0},
                            {"7.2.13+deb14-amd64 SMP preempt mod_unload ", 0x500}, "7.2.13+deb14-amd64",
                            "/cache/lib/modules/x/kernel/arch/x86/crypto/aegis128-aesni.ko.xz");
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("struct module of 1216 bytes"));
    EXPECT_THAT(e.what(), HasSubstr("aegis128-aesni.ko.xz has"));
    EXPECT_THAT(e.what(), HasSubstr("1280 bytes"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

TEST(ModuleAbi, FirstShippedModuleIsTheFirstInPathOrder) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "kernel/fs/xfs/xfs.ko.xz", "");
  write_file_atomically(dir.path() / "kernel/crypto/crc32c.ko.xz", "");
  write_file_atomically(dir.path() / "modules.dep", "");
  EXPECT_EQ(first_shipped_module(dir.path()), dir.path() / "kernel/crypto/crc32c.ko.xz");
  EXPECT_EQ(first_shipped_module(dir.path() / "nowhere"), fs::path());
}

}  // namespace
}  // namespace kmx
