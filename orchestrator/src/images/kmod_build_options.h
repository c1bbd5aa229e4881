// How a kmod tree is configured: as the distribution builds it, so the guest
// runs the kmod a distribution ships (paths above all: a kmod configured with
// autotools' default sysconfdir reads /usr/etc/modprobe.d, which no
// distribution uses). Pure functions over text; kmod_build.cc runs them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kmx {

enum class KmodBuildSystem { kAutotools, kMeson };
std::string_view to_string(KmodBuildSystem system);

struct KmodBuildOptions {
  KmodBuildSystem system = KmodBuildSystem::kAutotools;
  std::vector<std::string> args;  // configure arguments, or `meson setup` options
  std::string origin;             // where they come from, for results.json
};

// Debian's own flags for the .deb build (CONFFLAGS_deb in debian/rules, with
// $(CONFFLAGS) expanded), behind the defaults debhelper's dh_auto_configure
// adds for that build system (compat 13). Switches that only build
// documentation or tests are turned off: they need tools the host lacks and
// change nothing the guest runs. Throws std::runtime_error when the rules
// define no CONFFLAGS_deb.
KmodBuildOptions options_from_debian_rules(std::string_view rules, KmodBuildSystem system,
                                           const std::string& multiarch = "x86_64-linux-gnu");

// For a checkout without Debian packaging (any revision, e.g. in a
// bisection): debhelper's paths and the features of Debian's latest
// packaging for that build system, so every revision reads the same
// configuration directories. `meson_options` is the tree's meson_options.txt:
// options it does not declare are left out (kmod 34 has no `dlopen` yet...).
KmodBuildOptions distribution_options(KmodBuildSystem system, std::string_view meson_options = {});

// The option names a meson_options.txt declares.
std::vector<std::string> declared_meson_options(std::string_view meson_options);

// Every NUL-terminated string in a binary that ends in "/modprobe.d": the
// configuration directories kmod searches, compiled in.
std::vector<std::string> compiled_config_dirs(std::string_view binary);

// Sonames a binary names in its strings ("liblzma.so.5"): with
// -Ddlopen, libkmod loads its compression libraries at run time, so ldd
// does not see them and the image must carry them itself.
std::vector<std::string> named_sonames(std::string_view binary);

// Empty when a built kmod reads /etc/modprobe.d and not /usr/etc/modprobe.d;
// otherwise what is wrong.
std::string config_dir_problem(const std::vector<std::string>& dirs);

}  // namespace kmx
