// A tree to build out-of-tree test modules against a distribution kernel.
//
// Debian's linux-headers package is such a tree, but only usable where its
// compiler is installed and its host tools (modpost, objtool) load: Debian
// 7.x headers want gcc-16 and glibc 2.38, bookworm has gcc-12 and 2.36. Then
// the tree is prepared from the matching linux-source with the kernel's own
// .config and Module.symvers, by the host compiler, and packed the way the
// kernel packs its own headers (scripts/package/install-extmod-build).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "os/process_runner.h"

namespace kmx {

// Why the headers tree cannot build modules on this host; empty if it can.
std::string headers_unusable_reason(ProcessRunner& runner, const std::filesystem::path& headers_dir);

struct BuildTreeRequest {
  std::filesystem::path source_tarball;  // linux-source-X.Y.tar.xz
  std::filesystem::path headers_dir;     // .config and Module.symvers come from here
  std::string release;                   // uname -r of the kernel, baked into vermagic
  std::filesystem::path work_dir;        // scratch, removed afterwards
  std::filesystem::path out_dir;         // the finished tree
};

// Prepares the tree; writes out_dir/config-changes.txt listing what Kconfig
// changed for the host compiler and out_dir/<kBuildTreeOriginFile>, one line
// saying how the tree was made. Throws ImageError.
inline constexpr const char* kBuildTreeOriginFile = "origin.txt";
void prepare_build_tree_from_source(ProcessRunner& runner, const BuildTreeRequest& request);

// CONFIG_FOO -> value ("n" for "# CONFIG_FOO is not set").
std::map<std::string, std::string> parse_kconfig(const std::string& config_text);
// "CONFIG_RUST y -> n", one line per option whose value differs, sorted.
std::vector<std::string> kconfig_changes(const std::map<std::string, std::string>& before,
                                         const std::map<std::string, std::string>& after);

}  // namespace kmx
