#include "images/cache_dir.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;

namespace {

constexpr const char* kLastUsed = ".last-used";

void mark_used(const fs::path& entry) {
  std::error_code ec;
  std::ofstream(entry / kLastUsed).flush();
  fs::last_write_time(entry / kLastUsed, fs::file_time_type::clock::now(), ec);
}

std::uintmax_t tree_bytes(const fs::path& dir) {
  std::uintmax_t bytes = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) bytes += it->file_size(ec);
  return bytes;
}

constexpr std::string_view kTmpInfix = ".tmp.";

// "<key>.tmp.<pid>" -> pid. Only a name ending in decimal digits is one:
// a finished entry may contain ".tmp." (cache_key_name keeps dots) but
// always ends in its hash.
std::optional<int> temporary_owner(const std::string& name) {
  const auto pos = name.rfind(kTmpInfix);
  if (pos == std::string::npos || pos == 0) return std::nullopt;
  const std::string digits = name.substr(pos + kTmpInfix.size());
  if (digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const int pid = std::stoi(digits);
  return pid > 0 ? std::optional<int>(pid) : std::nullopt;
}

// Under the entry's lock no other builder of this key is alive: every
// "<key>.tmp.<pid>" left there is a builder that was killed.
void remove_stale_temporaries(const fs::path& kind_dir, const std::string& key) {
  std::error_code ec;
  const std::string prefix = key + std::string(kTmpInfix);
  for (const auto& e : fs::directory_iterator(kind_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(prefix) && temporary_owner(name) && name.substr(0, name.rfind(kTmpInfix)) == key)
      fs::remove_all(e.path(), ec);
  }
}

}  // namespace

fs::path CacheDir::ensure(const std::string& kind, const std::string& key,
                          const std::function<void(const fs::path&)>& build) {
  const fs::path entry = root_ / kind / key;
  if (fs::exists(entry)) {
    mark_used(entry);
    return entry;
  }
  FileLock lock(root_ / kind / (key + ".lock"));
  if (fs::exists(entry)) {  // another run finished it while we waited
    mark_used(entry);
    return entry;
  }
  remove_stale_temporaries(root_ / kind, key);
  const fs::path tmp = root_ / kind / (key + std::string(kTmpInfix) + std::to_string(::getpid()));
  fs::create_directories(tmp);
  try {
    build(tmp);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw;
  }
  fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                           fs::perms::others_exec);
  fs::rename(tmp, entry);
  mark_used(entry);
  return entry;
}

std::vector<CacheDir::KindUsage> CacheDir::usage() const {
  std::vector<KindUsage> kinds;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return kinds;
  KindUsage loose{"(files at the top)", 0, 0};
  for (const auto& kind : fs::directory_iterator(root_)) {
    if (!kind.is_directory()) {  // not a kind: still what the cache holds
      ++loose.entries;
      loose.bytes += kind.file_size(ec);
      continue;
    }
    KindUsage u{kind.path().filename().string(), 0, 0};
    // An entry is a directory (an image, a kernel) or a file (a probe's or
    // apt's answer); a lock is no entry.
    for (const auto& e : fs::directory_iterator(kind.path())) {
      if (e.path().extension() == ".lock") continue;
      ++u.entries;
      u.bytes += e.is_directory() ? tree_bytes(e.path()) : e.file_size(ec);
    }
    kinds.push_back(u);
  }
  std::sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.kind < b.kind; });
  if (loose.entries) kinds.push_back(loose);
  return kinds;
}

CacheDir::GcResult CacheDir::collect_garbage(std::chrono::hours unused_for, const std::function<bool(int)>& pid_alive,
                                             bool dry_run) {
  GcResult result;
  const auto cutoff = fs::file_time_type::clock::now() - unused_for;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return result;
  const auto take = [&](const fs::path& entry, const std::string& kind) {
    result.bytes += fs::is_directory(entry, ec) ? tree_bytes(entry) : fs::file_size(entry, ec);
    if (!dry_run) fs::remove_all(entry, ec);
    result.removed.push_back(kind + "/" + entry.filename().string());
  };
  for (const auto& kind : fs::directory_iterator(root_)) {
    if (!kind.is_directory()) continue;
    const std::string kind_name = kind.path().filename().string();
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(kind.path()))
      if (e.path().extension() != ".lock") entries.push_back(e.path());
    for (const auto& entry : entries) {
      const std::string name = entry.filename().string();
      if (auto owner = temporary_owner(name)) {  // a build in progress, or one whose process died
        if (!pid_alive(*owner)) take(entry, kind_name);
        continue;
      }
      if (!fs::is_directory(entry, ec)) {  // a file entry: its own time says when it was last written
        if (fs::last_write_time(entry, ec) < cutoff) take(entry, kind_name);
        continue;
      }
      FileLock lock(kind.path() / (name + ".lock"));
      const auto used = fs::last_write_time(entry / kLastUsed, ec);
      if (ec || used < cutoff) take(entry, kind_name);
    }
  }
  return result;
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
