// images/debian_kernel_provider: package names, the parts of a split 7.x
// image, and a whole prepare() against a fake Debian mirror whose headers
// cannot be used on the host (the 7.x case on bookworm).
#include "images/debian_kernel_provider.h"

#include <gmock/gmock.h>

#include <gtest/gtest.h>
#include <set>

#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using namespace kmx::testing;

TEST(DebianKernelProvider, HeadersPackageMatchesTheImage) {
  EXPECT_EQ(DebianKernelProvider::headers_package("linux-image-6.1.0-56-amd64"), "linux-headers-6.1.0-56-amd64");
}

TEST(DebianKernelProvider, HeadersPackageDropsUnsigned) {
  EXPECT_EQ(DebianKernelProvider::headers_package("linux-image-6.12.57+deb12-amd64-unsigned"),
            "linux-headers-6.12.57+deb12-amd64");
}

TEST(DebianKernelProvider, DependsNamesDropVersionsAndAlternatives) {
  EXPECT_THAT(DebianKernelProvider::depends_names(
                  "linux-headers-6.1.0-56-common (= 6.1.192-2), linux-kbuild-6.1 (>= 6.1.192-2), gcc-12 | gcc-11,\n"
                  " libc6 (>= 2.34)"),
              ElementsAre("linux-headers-6.1.0-56-common", "linux-kbuild-6.1", "gcc-12", "libc6"));
}

TEST(DebianKernelProvider, SourcePackageIsMajorMinor) {
  EXPECT_EQ(DebianKernelProvider::source_package("6.1.192-2"), "linux-source-6.1");
  EXPECT_EQ(DebianKernelProvider::source_package("6.12.57-1~deb12u1"), "linux-source-6.12");
}

TEST(DebianKernelProvider, SourcePackageRejectsNonVersions) {
  EXPECT_THROW(DebianKernelProvider::source_package("unstable"), ImageError);
}

TEST(DebianKernelProvider, PackageAptDoesNotKnowIsUnknownInput) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  FakeProcessRunner runner;
  runner.script("apt-cache", exited(100, "E: No packages found\n"));
  DebianKernelProvider provider(runner, cache);
  try {
    provider.prepare(DebianKernelSpec{"k", "m.toml:1:1", "linux-image-9.9.9-1-amd64"});
    FAIL() << "no error";
  } catch (const UnknownInputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("apt knows no package 'linux-image-9.9.9-1-amd64'"));
  }
  ASSERT_EQ(runner.calls.size(), 1u);  // nothing downloaded
  EXPECT_THAT(runner.calls[0].argv, ElementsAre("apt-cache", "show", "--no-all-versions", "linux-image-9.9.9-1-amd64"));
}

TEST(DebianKernelProvider, AptStanzaGivesPackageVersionAndDepends) {
  const AptPackage p = DebianKernelProvider::parse_apt_stanza(
      "Package: linux-image-6.12-amd64\nSource: linux-signed-6.12-amd64 (6.12.117+1~deb12u1)\n"
      "Version: 6.12.117-1~deb12u1\nDepends: linux-image-6.12.117+deb12-amd64 (= 6.12.117-1~deb12u1)\n\n"
      "Package: linux-image-6.12-amd64\nVersion: 6.12.95-1~bpo12+1\n");
  EXPECT_EQ(p.package, "linux-image-6.12-amd64");
  EXPECT_EQ(p.version, "6.12.117-1~deb12u1");
  EXPECT_EQ(p.depends, "linux-image-6.12.117+deb12-amd64 (= 6.12.117-1~deb12u1)");
}

TEST(DebianKernelProvider, MetaPackageDependsOnItsImageWithThePinnedVersion) {
  const auto next =
      DebianKernelProvider::image_dependency({"linux-image-6.12-cloud-amd64", "6.12.117-1~deb12u1",
                                              "linux-image-6.12.117+deb12-cloud-amd64 (= 6.12.117-1~deb12u1)"});
  ASSERT_TRUE(next);
  EXPECT_EQ(next->first, "linux-image-6.12.117+deb12-cloud-amd64");
  EXPECT_EQ(next->second, "6.12.117-1~deb12u1");
}

TEST(DebianKernelProvider, ConcreteImagesDependOnNoOtherImage) {
  EXPECT_FALSE(DebianKernelProvider::image_dependency(
      {"linux-image-6.1.0-56-amd64", "6.1.192-2",
       "kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool"}));
  EXPECT_FALSE(DebianKernelProvider::image_dependency(
      {"linux-image-7.2.13+deb14-amd64", "7.2.13-1",
       "dracut | initramfs-tools, linux-base-7.2.13+deb14-amd64 (= 7.2.13-1), "
       "linux-binary-7.2.13+deb14-amd64 (= 7.2.13-1), linux-modules-7.2.13+deb14-amd64 (= 7.2.13-1)"}));
}

// apt as it answers for the 6.12 series and the bookworm default.
struct FakeAptSeries : FakeProcessRunner {
  ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
    FakeProcessRunner::run(argv, o);
    const std::string& q = argv.back();
    if (q == "linux-image-6.12-rt-amd64")
      return exited(0,
                    "Package: linux-image-6.12-rt-amd64\nVersion: 6.12.117-1~deb12u1\n"
                    "Depends: linux-image-6.12.117+deb12-rt-amd64 (= 6.12.117-1~deb12u1)\n");
    if (q == "linux-image-6.12.117+deb12-rt-amd64=6.12.117-1~deb12u1")
      return exited(0,
                    "Package: linux-image-6.12.117+deb12-rt-amd64\nVersion: 6.12.117-1~deb12u1\n"
                    "Depends: kmod, linux-base (>= 4.3~)\n");
    if (q == "linux-image-amd64/bookworm-security")
      return exited(0,
                    "Package: linux-image-amd64\nVersion: 6.1.192-2\n"
                    "Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)\n");
    if (q == "linux-image-6.1.0-56-amd64=6.1.192-2")
      return exited(0, "Package: linux-image-6.1.0-56-amd64\nVersion: 6.1.192-2\nDepends: kmod\n");
    return exited(0, "");  // apt-cache show prints nothing for an unknown name/suite pair
  }
};

TEST(DebianKernelProvider, SeriesMetaPackageResolvesToTheNewestConcreteImage) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  FakeAptSeries apt;
  DebianKernelProvider provider(apt, cache);
  const ResolvedKernelPackage r =
      provider.resolve_package(DebianKernelSpec{"rt", "m.toml:1:1", "linux-image-6.12-rt-amd64"});
  EXPECT_EQ(r.package, "linux-image-6.12.117+deb12-rt-amd64");
  EXPECT_EQ(r.version, "6.12.117-1~deb12u1");
  EXPECT_THAT(r.via, ElementsAre("linux-image-6.12-rt-amd64"));
  EXPECT_EQ(provider.resolve(DebianKernelSpec{"rt", "m.toml:1:1", "linux-image-6.12-rt-amd64"}),
            "linux-image-6.12-rt-amd64 -> linux-image-6.12.117+deb12-rt-amd64 6.12.117-1~deb12u1");
}

TEST(DebianKernelProvider, MetaPackageFromANamedSuite) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  FakeAptSeries apt;
  DebianKernelProvider provider(apt, cache);
  const ResolvedKernelPackage r =
      provider.resolve_package(DebianKernelSpec{"k", "m.toml:1:1", "linux-image-amd64", "bookworm-security"});
  EXPECT_EQ(r.package, "linux-image-6.1.0-56-amd64");
  EXPECT_EQ(r.version, "6.1.192-2");
}

TEST(DebianKernelProvider, UnknownSuiteIsBadInputNamingTableAndSuite) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  FakeAptSeries apt;
  DebianKernelProvider provider(apt, cache);
  try {
    provider.resolve(DebianKernelSpec{"k", "m.toml:3:1", "linux-image-amd64", "nosuch"});
    FAIL() << "no error";
  } catch (const UnknownInputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("m.toml:3:1: kernel 'k'"));
    EXPECT_THAT(e.what(), HasSubstr("in suite 'nosuch'"));
  }
}

TEST(DebianKernelProvider, KernelAbiDropsPrefixAndUnsigned) {
  EXPECT_EQ(DebianKernelProvider::kernel_abi("linux-image-7.2.13+deb14-amd64"), "7.2.13+deb14-amd64");
  EXPECT_EQ(DebianKernelProvider::kernel_abi("linux-image-6.12.57+deb12-amd64-unsigned"), "6.12.57+deb12-amd64");
}

// Depends fields as the 7.2.13-1 packages in sid carry them.
constexpr const char* kImage72Depends =
    "dracut | initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, linux-base-7.2.13+deb14-amd64 (= 7.2.13-1), "
    "linux-binary-7.2.13+deb14-amd64 (= 7.2.13-1), linux-modules-7.2.13+deb14-amd64 (= 7.2.13-1)";
constexpr const char* kHeaders72Depends =
    "gcc-16-for-host, linux-base (>= 4.12~), linux-base-7.2.13+deb14-amd64 (= 7.2.13-1), "
    "linux-headers-7.2.13+deb14-common (= 7.2.13-1), linux-kbuild-7.2.13+deb14";

TEST(DebianKernelProvider, SplitImageCompanionsAreItsBinaryModulesAndBase) {
  EXPECT_THAT(DebianKernelProvider::companion_packages("7.2.13+deb14-amd64", kImage72Depends),
              ElementsAre("linux-base-7.2.13+deb14-amd64", "linux-binary-7.2.13+deb14-amd64",
                          "linux-modules-7.2.13+deb14-amd64"));
}

TEST(DebianKernelProvider, HeadersCompanionsSkipTheCompilerAndGenericLinuxBase) {
  EXPECT_THAT(
      DebianKernelProvider::companion_packages("7.2.13+deb14-amd64", kHeaders72Depends),
      ElementsAre("linux-base-7.2.13+deb14-amd64", "linux-headers-7.2.13+deb14-common", "linux-kbuild-7.2.13+deb14"));
}

TEST(DebianKernelProvider, WholeImageOf61HasNoCompanions) {
  EXPECT_THAT(
      DebianKernelProvider::companion_packages(
          "6.1.0-56-amd64", "kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool"),
      IsEmpty());
}

// A Debian mirror and the host programs the provider runs, for 7.2.13:
// apt-get download leaves .debs, dpkg-deb -x lays out what each package
// holds (merged /usr), gcc-16 is missing, make leaves what kbuild would.
struct FakeDebian72 : FakeProcessRunner {
  static constexpr const char* kRelease = "7.2.13+deb14-amd64";
  std::vector<std::string> downloaded;
  std::vector<std::string> requested;         // as apt-get download was given them
  std::set<std::string> gone_from_the_lists;  // name=version that apt no longer has

  ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
    const std::string& program = argv[0];
    if (program == "apt-cache")
      return gone_from_the_lists.count(argv.back()) ? exited(100, "E: No packages found\n")
                                                    : exited(0, "Package: x\nVersion: 7.2.13-1\n");
    if (program == "apt-get")
      for (std::size_t i = 4; i < argv.size(); ++i) {
        const std::string name = argv[i].substr(0, argv[i].find('='));
        downloaded.push_back(name);
        requested.push_back(argv[i]);
        write_file_atomically(o.cwd / (name + "_7.2.13-1_amd64.deb"), "deb");
      }
    if (program == "dpkg-deb" && argv[1] == "-f") {
      FakeProcessRunner::run(argv, o);
      const std::string deb = fs::path(argv[2]).filename().string();
      if (deb.starts_with("linux-image-")) return exited(0, kImage72Depends);
      if (deb.starts_with("linux-headers-7.2.13+deb14-amd64")) return exited(0, kHeaders72Depends);
      return exited(0, "");
    }
    if (program == "dpkg-deb" && argv[1] == "-x") unpack(fs::path(argv[2]).filename().string(), argv[3]);
    if (program == "sh") {  // command -v <compiler>
      FakeProcessRunner::run(argv, o);
      return exited(1);
    }
    if (program == "tar" && argv.back() == "--strip-components=1")  // the whole source tree
      write_file_atomically(fs::path(argv[4]) / "scripts/package/install-extmod-build", "#!/bin/sh\n");
    if (program == "make" && argv.back() == "olddefconfig") {
      const fs::path obj = argv[3].substr(2);
      write_file_atomically(obj / ".config", "CONFIG_CC_VERSION_TEXT=\"gcc-12\"\n# CONFIG_RUST is not set\n");
    }
    if (program == "make" && argv[3] == "run-command")
      write_file_atomically(argv[4].substr(argv[4].rfind(' ') + 1) + "/Makefile", "include kbuild\n");
    return FakeProcessRunner::run(argv, o);
  }

  static void unpack(const std::string& deb, const fs::path& root) {
    const std::string rel = kRelease;
    if (deb.starts_with("linux-binary-")) write_file_atomically(root / "usr/lib/modules" / rel / "vmlinuz", "bzImage");
    if (deb.starts_with("linux-modules-"))
      write_file_atomically(root / "usr/lib/modules" / rel / "kernel/fs/xfs/xfs.ko.xz", "xz");
    if (deb.starts_with("linux-headers-" + rel)) {
      const fs::path headers = root / "usr/src" / ("linux-headers-" + rel);
      write_file_atomically(headers / "Makefile", "include /usr/src/linux-headers-7.2.13+deb14-common/Makefile\n");
      write_file_atomically(
          headers / ".config",
          "CONFIG_CC_VERSION_TEXT=\"x86_64-linux-gnu-gcc-16 (Debian 16.2.0-4) 16.2.0\"\nCONFIG_RUST=y\n");
      write_file_atomically(headers / "Module.symvers", "0x0\tprintk\tvmlinux\tEXPORT_SYMBOL\t\n");
    }
    if (deb.starts_with("linux-source-")) write_file_atomically(root / "usr/src/linux-source-7.2.tar.xz", "tar");
  }

  bool ran(const std::string& program, const std::string& last_arg) const {
    for (const auto& c : calls)
      if (c.argv[0] == program && c.argv.back() == last_arg) return true;
    return false;
  }
};

// Debian rolled linux-kbuild-6.1 and linux-source-6.1 to 6.1.192-3 while the
// 6.1.0-56 image and headers stayed at 6.1.192-2; pinning the kernel's
// version on them made every 6.1 image fail to download.
TEST(DebianKernelProvider, CompanionsThatAptNoLongerHasAtTheKernelsVersionTakeItsCandidate) {
  ScratchDir dir;
  CacheDir cache(dir.path() / "cache");
  FakeDebian72 runner;
  runner.gone_from_the_lists = {"linux-kbuild-7.2.13+deb14=7.2.13-1", "linux-source-7.2=7.2.13-1"};
  DebianKernelProvider(runner, cache).prepare(DebianKernelSpec{"k", "m:1:1", "linux-image-7.2.13+deb14-amd64"});
  EXPECT_THAT(runner.requested, Contains("linux-kbuild-7.2.13+deb14"));
  EXPECT_THAT(runner.requested, Contains("linux-source-7.2"));
  // Exact relations stay exact.
  EXPECT_THAT(runner.requested, Contains("linux-headers-7.2.13+deb14-common=7.2.13-1"));
  EXPECT_THAT(runner.requested, Contains("linux-binary-7.2.13+deb14-amd64=7.2.13-1"));
}

TEST(DebianKernelProvider, DependsKeepTheirRelationAndVersion) {
  const auto deps = DebianKernelProvider::parse_depends(
      "linux-headers-6.1.0-56-common (= 6.1.192-2), linux-kbuild-6.1 (>= 6.1.192-2), gcc-12 | gcc-11, libc6");
  ASSERT_EQ(deps.size(), 4u);
  EXPECT_EQ(deps[0].relation, "=");
  EXPECT_EQ(deps[0].version, "6.1.192-2");
  EXPECT_EQ(deps[1].name, "linux-kbuild-6.1");
  EXPECT_EQ(deps[1].relation, ">=");
  EXPECT_EQ(deps[2].name, "gcc-12");
  EXPECT_EQ(deps[3].relation, "");
}

TEST(DebianKernelProvider, SplitMergedUsrKernelWithUnusableHeadersGetsATreeBuiltFromSource) {
  ScratchDir dir;
  CacheDir cache(dir.path() / "cache");
  FakeDebian72 runner;
  const KernelArtifacts k =
      DebianKernelProvider(runner, cache).prepare(DebianKernelSpec{"k", "m:1:1", "linux-image-7.2.13+deb14-amd64"});

  EXPECT_THAT(runner.downloaded, Contains("linux-binary-7.2.13+deb14-amd64"));
  EXPECT_THAT(runner.downloaded, Contains("linux-modules-7.2.13+deb14-amd64"));
  EXPECT_THAT(runner.downloaded, Contains("linux-kbuild-7.2.13+deb14"));
  EXPECT_THAT(runner.downloaded, Contains("linux-source-7.2"));
  EXPECT_THAT(runner.downloaded, Not(Contains("gcc-16-for-host")));

  EXPECT_EQ(k.release, "7.2.13+deb14-amd64");
  EXPECT_EQ(read_file(k.vmlinuz), "bzImage");  // moved from /usr/lib/modules/<release>/vmlinuz
  EXPECT_TRUE(fs::exists(k.modules_root / "lib/modules/7.2.13+deb14-amd64/kernel/fs/xfs/xfs.ko.xz"));
  EXPECT_EQ(k.build_dir.filename(), "build-tree");
  EXPECT_TRUE(fs::exists(k.build_dir / "Makefile"));
  EXPECT_THAT(read_file(k.build_dir / "config-changes.txt"), HasSubstr("CONFIG_RUST y -> n"));
  EXPECT_EQ(k.build_dir_origin,
            "prepared from linux-source-7.2.tar.xz with gcc-12; 2 Kconfig options differ from the kernel's");
  EXPECT_TRUE(runner.ran("make", "modules_prepare"));
  EXPECT_TRUE(runner.ran("depmod", "7.2.13+deb14-amd64"));
}

TEST(DebianKernelProvider, UsableHeadersAreTheBuildDirectory) {
  struct CompilerPresent : FakeDebian72 {
    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
      if (argv[0] == "sh") return FakeProcessRunner::run(argv, o);
      return FakeDebian72::run(argv, o);
    }
  } runner;
  ScratchDir dir;
  CacheDir cache(dir.path() / "cache");
  const KernelArtifacts k =
      DebianKernelProvider(runner, cache).prepare(DebianKernelSpec{"k", "m:1:1", "linux-image-7.2.13+deb14-amd64"});
  EXPECT_EQ(k.build_dir.filename(), "linux-headers-7.2.13+deb14-amd64");
  EXPECT_EQ(k.build_dir_origin, "Debian's linux-headers-7.2.13+deb14-amd64");
  EXPECT_FALSE(runner.ran("make", "modules_prepare"));
}

}  // namespace
}  // namespace kmx
