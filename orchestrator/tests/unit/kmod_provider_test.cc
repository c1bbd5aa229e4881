// images/debian_source_kmod_provider and host_kmod_provider with a fake
// process runner: which commands run for which kmod generation.
#include "images/busybox_kmod_provider.h"
#include "images/debian_source_kmod_provider.h"
#include "images/host_kmod_provider.h"
#include "images/source_kmod_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace kmx::testing;

// Plays apt-get, tar and the build tools just enough for the provider: apt
// drops tarballs, tar lays out a meson or autotools tree, install puts a
// kmod binary under DESTDIR.
class FakeKmodBuild : public FakeProcessRunner {
 public:
  explicit FakeKmodBuild(bool meson, bool tarballs = true) : meson_(meson), tarballs_(tarballs) {}
  ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
    ProcessResult r = FakeProcessRunner::run(argv, o);
    const std::string& tool = argv[0];
    if (tool == "apt-get") {
      if (!tarballs_) return exited(100, "E: Can not find version '99.9-9' of package 'kmod'\n");
      write_file_atomically(o.cwd / "kmod_34.2.orig.tar.xz", "orig");
      write_file_atomically(o.cwd / "kmod_34.2-2.debian.tar.xz", "debian");
    } else if (tool == "tar" && argv[1] == "-xf" && argv[2].find(".orig.") != std::string::npos) {
      write_file_atomically(fs::path(argv[4]) / (meson_ ? "meson.build" : "configure.ac"), "");
    } else if (tool == "tar") {
      write_file_atomically(fs::path(argv[4]) / "debian/patches/series", "# none\nfix.patch\n");
      write_file_atomically(fs::path(argv[4]) / "debian/rules",
                            meson_ ? "CONFFLAGS_deb = -D dlopen=all -D xz=enabled -D docs=true\n"
                                   : "CONFFLAGS = --sysconfdir=/etc\nCONFFLAGS_deb = $(CONFFLAGS) --enable-gtk-doc "
                                     "--with-xz --with-zstd\n");
    } else if ((tool == "ninja" && argv.back() == "install") || (tool == "make" && argv[1] == "install")) {
      const std::string destdir = meson_ ? o.env.at("DESTDIR") : argv[2].substr(std::string("DESTDIR=").size());
      write_file_atomically(fs::path(destdir) / "usr/share/bash-completion/completions/kmod", "# not the binary\n");
      write_file_atomically(fs::path(destdir) / "usr/bin/kmod", meson_ ? kmod_strings : std::string("ELF"));
      if (!meson_) write_file_atomically(fs::path(destdir) / "usr/lib/libkmod.so.2", kmod_strings);
    }
    return r;
  }
  std::vector<std::string> tools() const {
    std::vector<std::string> out;
    for (const auto& c : calls) out.push_back(c.argv[0] + (c.argv.size() > 1 ? " " + c.argv[1] : ""));
    return out;
  }

  // What the built binary says about its configuration directories.
  std::string kmod_strings = std::string("ELF\0/etc/modprobe.d\0/run/modprobe.d\0liblzma.so.5\0", 49);

 private:
  bool meson_;
  bool tarballs_;
};

DebianSourceKmodSpec spec(const std::string& version) { return DebianSourceKmodSpec{"kmod-x", "m.toml:1:1", version}; }

TEST(DebianSourceKmod, MesonTreeBuildsWithLinkedCompressionAndDestdir) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  FakeKmodBuild runner(/*meson=*/true);
  const KmodArtifacts k = DebianSourceKmodProvider(runner, cache).prepare(spec("34.2-2"));
  EXPECT_EQ(k.kmod_binary.filename(), "kmod");
  EXPECT_EQ(k.kmod_binary.parent_path().filename(), "bin");  // not bash-completion's file
  EXPECT_TRUE(k.library_dir.empty());                        // meson links libkmod into the tools
  EXPECT_THAT(runner.tools(), Contains("patch -p1"));
  bool configured = false;
  for (const auto& c : runner.calls)
    if (c.argv[0] == "meson") {
      configured = true;
      EXPECT_THAT(c.argv, Contains("-Ddlopen=all"));  // debian/rules', not a list of ours
      EXPECT_THAT(c.argv, Contains("--sysconfdir=/etc"));
      EXPECT_THAT(c.argv, Contains("-Ddocs=false"));
    }
  EXPECT_TRUE(configured);
  EXPECT_EQ(k.build_system, "meson");
  EXPECT_THAT(k.build_origin, HasSubstr("debian/rules of kmod 34.2-2"));
  EXPECT_THAT(k.config_dirs, Contains("/etc/modprobe.d"));
  // -Ddlopen: the library libkmod names is carried into the image.
  EXPECT_THAT(k.runtime_libraries, Contains(fs::path("/lib/x86_64-linux-gnu/liblzma.so.5")));
  EXPECT_THAT(runner.tools(), Contains("ninja -C"));
  EXPECT_THAT(runner.tools(), ::testing::Not(Contains("autoreconf -fi")));
}

TEST(DebianSourceKmod, AutotoolsTreeGetsTheGtkDocStubAndItsOwnLibkmod) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  FakeKmodBuild runner(/*meson=*/false);
  const KmodArtifacts k = DebianSourceKmodProvider(runner, cache).prepare(spec("30+20221128-1"));
  EXPECT_THAT(runner.tools(), Contains("autoreconf -fi"));
  bool configured = false;
  for (const auto& c : runner.calls)
    if (c.argv[0] == "./configure") {
      configured = true;
      EXPECT_THAT(c.argv, Contains("--with-xz"));
      EXPECT_THAT(c.argv, Contains("--with-zstd"));
      EXPECT_THAT(c.argv, Contains("--disable-gtk-doc"));
      EXPECT_THAT(c.argv, Contains("--sysconfdir=/etc"));
      EXPECT_THAT(c.argv, Not(Contains("--enable-gtk-doc")));
    }
  EXPECT_TRUE(configured);
  EXPECT_EQ(k.library_dir.filename(), "lib");
  EXPECT_EQ(k.build_system, "autotools");
  EXPECT_THAT(k.build_options, Contains("--sysconfdir=/etc"));
}

TEST(DebianSourceKmod, ABuildThatWouldReadUsrEtcIsRefused) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  FakeKmodBuild runner(/*meson=*/false);
  runner.kmod_strings = std::string("ELF\0/usr/etc/modprobe.d\0/run/modprobe.d\0/lib/modprobe.d\0", 56);
  try {
    DebianSourceKmodProvider(runner, cache).prepare(spec("30+20221128-1"));
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/usr/etc/modprobe.d"));
    EXPECT_THAT(e.what(), HasSubstr("fix: configure kmod with --sysconfdir=/etc"));
  }
}

TEST(DebianSourceKmod, SecondPrepareBuildsNothing) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  FakeKmodBuild runner(/*meson=*/true);
  DebianSourceKmodProvider provider(runner, cache);
  const KmodArtifacts first = provider.prepare(spec("34.2-2"));
  const std::size_t calls = runner.calls.size();
  const KmodArtifacts second = provider.prepare(spec("34.2-2"));
  EXPECT_EQ(runner.calls.size(), calls);
  EXPECT_EQ(first.id, second.id);
}

TEST(DebianSourceKmod, UnknownVersionIsBadInputWithAFix) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  FakeKmodBuild runner(/*meson=*/true, /*tarballs=*/false);
  try {
    DebianSourceKmodProvider(runner, cache).prepare(spec("99.9-9"));
    FAIL() << "no error";
  } catch (const UnknownInputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("99.9-9"));
    EXPECT_THAT(e.what(), HasSubstr("apt-cache showsrc kmod"));
  }
}

TEST(HostKmod, MissingBinaryIsAnErrorWithAFix) {
  try {
    HostKmodProvider("/nonexistent/kmod").prepare(HostKmodSpec{"host", "m.toml:1:1"});
    FAIL() << "no error";
  } catch (const ImageError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/kmod"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

TEST(HostKmod, IdChangesWithTheBinary) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "a", "kmod 30");
  write_file_atomically(dir.path() / "b", "kmod 31");
  EXPECT_NE(HostKmodProvider(dir.path() / "a").prepare({}).id, HostKmodProvider(dir.path() / "b").prepare({}).id);
}

}  // namespace
}  // namespace kmx

namespace kmx {
namespace {

TEST(BusyboxModutils, UsesBusyboxAsTheModutils) {
  const KmodArtifacts k = BusyboxModutilsProvider("/bin/busybox").prepare(BusyboxKmodSpec{"bb", "m.toml:1:1"});
  EXPECT_TRUE(k.busybox);
  EXPECT_EQ(k.kmod_binary, "/bin/busybox");
  EXPECT_TRUE(k.id.starts_with("busybox-"));
}

TEST(SourceKmod, NotAKmodTreeIsBadInput) {
  ScratchDir dir;
  CacheDir cache(dir.path() / "cache");
  FakeProcessRunner runner;
  SourceKmodSpec spec{"tree", "m.toml:7:1"};
  spec.path = dir.path();
  try {
    SourceKmodProvider(runner, cache).prepare(spec);
    FAIL() << "no error";
  } catch (const UnknownInputError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("not a kmod source tree"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("m.toml:7:1"));
  }
}

TEST(SourceKmod, BuildsACopyAndLeavesTheCheckoutAlone) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "kmod/meson.build", "project('kmod')\n");
  write_file_atomically(dir.path() / "kmod/libkmod/libkmod.c", "\n");
  CacheDir cache(dir.path() / "cache");
  struct FakeMeson : FakeProcessRunner {
    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
      if (argv[0] == "ninja" && argv.back() == "install")
        write_file_atomically(std::filesystem::path(o.env.at("DESTDIR")) / "usr/bin/kmod",
                              std::string("ELF\0/etc/modprobe.d\0", 20));
      return FakeProcessRunner::run(argv, o);
    }
  } runner;
  SourceKmodSpec spec{"tree", "m.toml:7:1"};
  spec.path = dir.path() / "kmod";
  const KmodArtifacts k = SourceKmodProvider(runner, cache).prepare(spec);
  EXPECT_EQ(k.kmod_binary.filename(), "kmod");
  for (const auto& c : runner.calls)
    if (c.argv[0] == "meson") {
      EXPECT_NE(c.options.cwd, spec.path) << "built inside the user's checkout";
    }
  EXPECT_FALSE(std::filesystem::exists(spec.path / "build"));
  EXPECT_THAT(k.build_options, Contains("--sysconfdir=/etc"));
  EXPECT_THAT(k.build_origin, HasSubstr("packaging profile"));
}

TEST(SourceKmod, AutotoolsCheckoutIsConfiguredForEtc) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "kmod/configure.ac", "AC_INIT([kmod], [30])\n");
  write_file_atomically(dir.path() / "kmod/libkmod/libkmod.c", "\n");
  CacheDir cache(dir.path() / "cache");
  struct FakeAutotools : FakeProcessRunner {
    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
      if (argv[0] == "make" && argv.size() > 2 && argv[1] == "install")
        write_file_atomically(std::filesystem::path(argv[2].substr(8)) / "bin/kmod",
                              std::string("ELF\0/etc/modprobe.d\0", 20));
      return FakeProcessRunner::run(argv, o);
    }
  } runner;
  SourceKmodSpec spec{"tree", "m.toml:7:1"};
  spec.path = dir.path() / "kmod";
  const KmodArtifacts k = SourceKmodProvider(runner, cache).prepare(spec);
  bool configured = false;
  for (const auto& c : runner.calls)
    if (c.argv[0] == "./configure") {
      configured = true;
      EXPECT_THAT(c.argv, Contains("--sysconfdir=/etc"));
      EXPECT_THAT(c.argv, Contains("--with-rootlibdir=/usr/lib/x86_64-linux-gnu"));
    }
  EXPECT_TRUE(configured);
  EXPECT_EQ(k.kmod_binary.parent_path().filename(), "bin");
}

TEST(SourceKmod, ATreeWhoseMesonBuildFailsFallsBackToAutotools) {
  // kmod between 2024-09 and 34: meson.build covered libkmod only, configure.ac all of it.
  ScratchDir dir;
  write_file_atomically(dir.path() / "kmod/meson.build", "project('kmod')\n");
  write_file_atomically(dir.path() / "kmod/configure.ac", "AC_INIT([kmod], [33])\n");
  write_file_atomically(dir.path() / "kmod/libkmod/libkmod.c", "\n");
  CacheDir cache(dir.path() / "cache");
  struct FakeHalfMeson : FakeProcessRunner {
    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o) override {
      if (argv[0] == "make" && argv.size() > 2 && argv[1] == "install")
        write_file_atomically(std::filesystem::path(argv[2].substr(8)) / "bin/kmod",
                              std::string("ELF\0/etc/modprobe.d\0", 20));
      return FakeProcessRunner::run(argv, o);  // ninja install leaves no kmod binary
    }
  } runner;
  SourceKmodSpec spec{"tree", "m.toml:7:1"};
  spec.path = dir.path() / "kmod";
  const KmodArtifacts k = SourceKmodProvider(runner, cache).prepare(spec);
  EXPECT_EQ(k.build_system, "autotools");
  bool meson = false, configure = false;
  for (const auto& c : runner.calls) {
    meson = meson || c.argv[0] == "meson";
    configure = configure || c.argv[0] == "./configure";
  }
  EXPECT_TRUE(meson);
  EXPECT_TRUE(configure);
}

}  // namespace
}  // namespace kmx
