#include "cli/installation.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace kmx {
namespace fs = std::filesystem;
namespace {

fs::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? fs::path(value) : fs::path();
}

bool present(const fs::path& p) {
  std::error_code ec;
  return !p.empty() && fs::exists(p, ec);
}

}  // namespace

Installation Installation::locate_from(const fs::path& self) {
  Installation in;
  const fs::path bin = self.parent_path();
  const fs::path prefix = bin.parent_path();
  const fs::path shared = prefix / KMX_INSTALL_DATADIR / "kmod-matrix";
  if (bin.filename() == fs::path(KMX_INSTALL_BINDIR) && present(shared / "images/suites")) {
    in.agent = prefix / KMX_INSTALL_LIBEXECDIR / "kmod-matrix/kmx-agent";
    in.data_dir = shared / "images";
    in.matrices = shared / "matrices";
    in.setup_host = prefix / KMX_INSTALL_LIBEXECDIR / "kmod-matrix/setup-host.sh";
  } else {
    // A build tree: the agent beside the binary or in guest-agent/, data in the checkout.
    in.agent = present(bin / "kmx-agent") ? bin / "kmx-agent" : prefix / "guest-agent/kmx-agent";
    if (!present(in.agent)) in.agent = KMX_AGENT_BUILD_PATH;
    in.data_dir = fs::path(KMX_SOURCE_DIR) / "images";
    in.matrices = fs::path(KMX_SOURCE_DIR) / "matrices";
    in.setup_host = fs::path(KMX_SOURCE_DIR) / "ci/setup-host.sh";
  }
  if (fs::path a = env_path("KMX_AGENT"); !a.empty()) in.agent = a;
  if (fs::path d = env_path("KMX_DATA_DIR"); !d.empty()) in.data_dir = d;
  return in;
}

fs::path Installation::find_matrix(const fs::path& given) const {
  if (given.empty() || present(given)) return given;
  if (!given.is_absolute())
    for (const fs::path& candidate :
         {matrices / given, matrices / given.filename(), matrices / (given.string() + ".toml")})
      if (fs::is_regular_file(candidate)) return candidate;
  std::string shipped;
  for (const auto& name : shipped_matrices()) shipped += (shipped.empty() ? "" : ", ") + name;
  throw std::runtime_error("no matrix '" + given.string() + "': no such file, and no shipped matrix of that name" +
                           "\n  fix: a matrix file, or one of the shipped matrices (" + matrices.string() +
                           "): " + shipped);
}

std::vector<std::string> Installation::shipped_matrices() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(matrices, ec))
    if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

Installation Installation::locate() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return locate_from(ec ? fs::path() : self);
}

}  // namespace kmx
