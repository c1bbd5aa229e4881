// Where kmod-matrix's own files are: the guest agent, the data (suite
// scripts, test-module sources, config fragments, build-kernel.sh, shipped
// matrices) and the host preparation script. Found from the binary's own
// location, installed
// (<prefix>/bin -> <prefix>/share/kmod-matrix, <prefix>/libexec/kmod-matrix)
// or in a build tree (the source checkout it was built from);
// $KMX_AGENT and $KMX_DATA_DIR override.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kmx {

struct Installation {
  std::filesystem::path agent;       // the static kmx-agent
  std::filesystem::path data_dir;    // images/: modules/, suites/, config/, build-kernel.sh
  std::filesystem::path matrices;    // shipped matrices
  std::filesystem::path setup_host;  // setup-host.sh (ci/setup-host.sh in a checkout)

  // A matrix argument as given when that file exists, else the shipped
  // matrix it names ("smoke", "smoke.toml" or "matrices/smoke.toml"); else
  // a std::runtime_error listing the shipped matrices ("" stays "").
  std::filesystem::path find_matrix(const std::filesystem::path& given) const;

  // The shipped matrices' names (file stems), sorted.
  std::vector<std::string> shipped_matrices() const;

  static Installation locate();
  // The same, for a binary at `self` (testable without moving binaries).
  static Installation locate_from(const std::filesystem::path& self);
};

}  // namespace kmx
