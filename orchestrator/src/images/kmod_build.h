// Building a kmod source tree into a DESTDIR with the options the
// distribution uses (kmod_build_options.h): meson where the tree has
// meson.build (kmod >= 34), autotools (with a gtk-doc stub) before. What was
// used is kept beside the install as build-info.json and travels with the
// artifacts into results.json.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "images/artifacts.h"
#include "images/kmod_build_options.h"
#include "os/process_runner.h"

namespace kmx {

// Runs one step of a kmod build; throws ImageError naming `what`.
void run_kmod_build_step(ProcessRunner& runner, const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                         const std::string& what, std::map<std::string, std::string> env = {});

KmodBuildSystem build_system_of(const std::filesystem::path& src);

// Builds `src` in place with `options` and installs into `entry`/root, then
// checks the configuration directories compiled in (ImageError when the
// result would read /usr/etc/modprobe.d) and writes `entry`/build-info.json.
void build_kmod_tree(ProcessRunner& runner, const std::filesystem::path& src, const std::filesystem::path& entry,
                     const KmodBuildOptions& options);

// The installed kmod of a cache entry built by build_kmod_tree: binary,
// libkmod, and the build record.
KmodArtifacts installed_kmod(const std::string& id, const std::filesystem::path& entry);

// The modprobe.d directories a kmod binary (and the libkmod it uses)
// searches, read from their bytes.
std::vector<std::string> kmod_config_dirs(const std::filesystem::path& kmod_binary,
                                          const std::filesystem::path& libkmod);

}  // namespace kmx
