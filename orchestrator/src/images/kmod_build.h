// Building a kmod source tree into a DESTDIR: meson for kmod >= 31,
// autotools (with a gtk-doc stub) for older trees. xz, zstd and openssl are
// linked, never dlopen'ed, so ldd finds everything the guest needs.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "images/artifacts.h"
#include "os/process_runner.h"

namespace kmx {

// Runs one step of a kmod build; throws ImageError naming `what`.
void run_kmod_build_step(ProcessRunner& runner, const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                         const std::string& what, std::map<std::string, std::string> env = {});

// Builds `src` in place and installs into `root`; throws ImageError.
void build_kmod_tree(ProcessRunner& runner, const std::filesystem::path& src, const std::filesystem::path& root);

// The installed kmod of a DESTDIR root, and where its libkmod lives.
KmodArtifacts installed_kmod(const std::string& id, const std::filesystem::path& root);

}  // namespace kmx
