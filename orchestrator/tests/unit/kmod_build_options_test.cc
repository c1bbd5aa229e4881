// images/kmod_build_options: Debian's configure flags read from a
// debian/rules, the profile for plain checkouts, and what a built binary
// says about the configuration directories it searches.
#include "images/kmod_build_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmx {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Shaped like Debian's kmod packaging: shared flags, a continuation, the
// .deb flags with $(CONFFLAGS) and a $(shell dpkg-buildflags) inside.
constexpr const char* kAutotoolsRules = R"(#!/usr/bin/make -f
CONFFLAGS = \
  --sysconfdir=/etc \
  --libdir=/usr/lib/$(DEB_HOST_MULTIARCH) \
  --with-rootlibdir=/usr/lib/$(DEB_HOST_MULTIARCH)
CONFFLAGS_deb  = $(CONFFLAGS) \
  $(shell DEB_BUILD_MAINT_OPTIONS="hardening=+bindnow" \
    dpkg-buildflags --export=configure || true) \
  --enable-gtk-doc \
  --with-xz \
  --enable-debug
CONFFLAGS_udeb = $(CONFFLAGS) --without-openssl

build-deb/config.status: configure
	dh_auto_configure --builddir=build-deb -- $(CONFFLAGS_deb)
)";

constexpr const char* kMesonRules = R"(
KMOD_ENABLE_DOCS=$(if $(filter nodoc,$(DEB_BUILD_PROFILES)),false,true)
CONFFLAGS =
CONFFLAGS_deb  = $(CONFFLAGS) \
  -D build-tests=$(KMOD_ENABLE_TESTS) \
  -D docs=$(KMOD_ENABLE_DOCS) \
  -D dlopen=all \
  -D xz=enabled
)";

TEST(KmodBuildOptions, AutotoolsRulesGiveDebhelperPathsThenDebianFlags) {
  const KmodBuildOptions o = options_from_debian_rules(kAutotoolsRules, KmodBuildSystem::kAutotools);
  EXPECT_EQ(o.system, KmodBuildSystem::kAutotools);
  EXPECT_EQ(o.args.front(), "--build=x86_64-linux-gnu");
  EXPECT_THAT(o.args, Contains("--sysconfdir=/etc"));
  EXPECT_THAT(o.args, Contains("--with-rootlibdir=/usr/lib/x86_64-linux-gnu"));
  EXPECT_THAT(o.args, Contains("--with-xz"));
  EXPECT_THAT(o.args, Contains("--enable-debug"));
  EXPECT_THAT(o.args, Contains("--disable-gtk-doc"));  // documentation only
  EXPECT_THAT(o.args, Not(Contains("--enable-gtk-doc")));
  EXPECT_THAT(o.args, Not(Contains("--without-openssl")));  // the udeb's, not the deb's
  for (const auto& a : o.args) {
    EXPECT_THAT(a, Not(HasSubstr("$(")));
    EXPECT_THAT(a, Not(HasSubstr("dpkg-buildflags")));
  }
}

TEST(KmodBuildOptions, MesonRulesJoinDashDAndTurnOffDocsAndTests) {
  const KmodBuildOptions o = options_from_debian_rules(kMesonRules, KmodBuildSystem::kMeson);
  EXPECT_THAT(o.args, Contains("--sysconfdir=/etc"));
  EXPECT_THAT(o.args, Contains("--libdir=lib/x86_64-linux-gnu"));
  EXPECT_THAT(o.args, Contains("-Ddlopen=all"));
  EXPECT_THAT(o.args, Contains("-Dxz=enabled"));
  EXPECT_THAT(o.args, Contains("-Ddocs=false"));
  EXPECT_THAT(o.args, Contains("-Dbuild-tests=false"));
  EXPECT_THAT(o.args, Contains("-Dmanpages=false"));
  EXPECT_THAT(o.args, Not(Contains("-D")));
  EXPECT_THAT(o.args, Not(Contains("-Ddocs=true")));
}

TEST(KmodBuildOptions, RulesWithoutDebFlagsAreAnError) {
  EXPECT_THROW(options_from_debian_rules("CONFFLAGS = --foo\n", KmodBuildSystem::kAutotools), std::runtime_error);
}

TEST(KmodBuildOptions, CheckoutProfileReadsEtcWhateverTheBuildSystem) {
  EXPECT_THAT(distribution_options(KmodBuildSystem::kAutotools).args, Contains("--sysconfdir=/etc"));
  const auto meson =
      distribution_options(KmodBuildSystem::kMeson, "option(\n  'xz',\n type: 'feature')\noption('docs')");
  EXPECT_THAT(meson.args, Contains("--sysconfdir=/etc"));
  EXPECT_THAT(meson.args, Contains("-Dxz=enabled"));
  EXPECT_THAT(meson.args, Contains("-Ddocs=false"));
  // Options the tree does not declare would make meson fail.
  EXPECT_THAT(meson.args, Not(Contains("-Ddlopen=all")));
  EXPECT_THAT(meson.args, Not(Contains("-Dmanpages=false")));
}

TEST(KmodBuildOptions, DeclaredMesonOptionsAcceptBothQuotes) {
  EXPECT_THAT(declared_meson_options("option('zstd', type : 'feature')\noption(\n  \"dlopen\",\n)"),
              ElementsAre("zstd", "dlopen"));
}

std::string binary_with(std::initializer_list<const char*> strings) {
  std::string b = std::string(
      "\x7f"
      "ELF\x02\x01",
      6);
  for (const char* s : strings) b += std::string("\x01\x02", 2) + s + std::string(1, '\0');
  return b;
}

TEST(KmodBuildOptions, CompiledConfigDirsAreTheStringsEndingInModprobeD) {
  const auto dirs = compiled_config_dirs(binary_with(
      {"/usr/etc/modprobe.d", "/run/modprobe.d", "modprobe.d", "/lib/modprobe.d", "see /etc/modprobe.d/x.conf"}));
  EXPECT_THAT(dirs, ElementsAre("/lib/modprobe.d", "/run/modprobe.d", "/usr/etc/modprobe.d"));
}

TEST(KmodBuildOptions, UsrEtcIsTheProblemTheBuildRefuses) {
  EXPECT_THAT(config_dir_problem({"/usr/etc/modprobe.d", "/run/modprobe.d", "/lib/modprobe.d"}),
              HasSubstr("--sysconfdir=/etc"));
  EXPECT_THAT(config_dir_problem({"/run/modprobe.d"}), HasSubstr("/etc/modprobe.d is missing"));
  EXPECT_THAT(config_dir_problem({"/etc/modprobe.d", "/run/modprobe.d", "/usr/lib/modprobe.d"}), IsEmpty());
}

TEST(KmodBuildOptions, NamedSonamesFindDlopenTargets) {
  EXPECT_THAT(named_sonames(binary_with(
                  {"liblzma.so.5", "libzstd.so.1", "libfoo.so", "xliblzma.so.5", "libcrypto.so.3", "lib.so.x"})),
              ElementsAre("libcrypto.so.3", "liblzma.so.5", "libzstd.so.1"));
}

}  // namespace
}  // namespace kmx
