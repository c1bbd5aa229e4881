#include "images/cache_dir.h"

#include <unistd.h>

#include <cstdlib>

#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;

fs::path CacheDir::ensure(const std::string& kind, const std::string& key,
                          const std::function<void(const fs::path&)>& build) {
  const fs::path entry = root_ / kind / key;
  if (fs::exists(entry)) return entry;
  FileLock lock(root_ / kind / (key + ".lock"));
  if (fs::exists(entry)) return entry;  // another run finished it while we waited
  const fs::path tmp = root_ / kind / (key + ".tmp." + std::to_string(::getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  try {
    build(tmp);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw;
  }
  fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  fs::rename(tmp, entry);
  return entry;
}

fs::path CacheDir::default_root() {
  if (const char* env = std::getenv("KMX_CACHE"); env && *env) return env;
  if (::geteuid() == 0) return "/var/cache/kmod-matrix";
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "kmod-matrix";
  const char* home = std::getenv("HOME");
  return fs::path(home ? home : "/tmp") / ".cache" / "kmod-matrix";
}

std::string cache_key_name(const std::string& human_readable, const std::string& hash_input) {
  std::string name;
  for (char c : human_readable) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
  return name + "-" + sha256_hex(hash_input).substr(0, 16);
}

}  // namespace kmx
