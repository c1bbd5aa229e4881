// The content-addressed cache: <root>/<kind>/<key>/ holds one finished entry.
// Entries are built in a private temporary directory and renamed into place
// under a per-entry lock, so concurrent runs never see half an entry.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace kmx {

class CacheDir {
 public:
  explicit CacheDir(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }

  // Returns the entry's directory, calling build(tmp_dir) first if it does
  // not exist yet. build fills tmp_dir and throws on failure.
  std::filesystem::path ensure(const std::string& kind, const std::string& key,
                               const std::function<void(const std::filesystem::path&)>& build);

  struct KindUsage {
    std::string kind;
    std::size_t entries = 0;
    std::uintmax_t bytes = 0;
  };
  // Entries (directories and files; not locks) and bytes per kind
  // ("kernels", "images", "accel", ...), sorted by kind; files directly in
  // the root, if any, last as "(files at the top)".
  std::vector<KindUsage> usage() const;

  struct GcResult {
    std::vector<std::string> removed;  // "kind/key"
    std::uintmax_t bytes = 0;
  };
  // Removes entries not used for `unused_for` (each ensure() marks its entry
  // used; a file entry counts from its last write) and temporaries of
  // builds whose process is gone. Takes each entry's lock, so a concurrent
  // run never loses an entry mid-build. dry_run: says what it would remove.
  GcResult collect_garbage(std::chrono::hours unused_for, const std::function<bool(int pid)>& pid_alive,
                           bool dry_run = false);

  // The default root: $KMX_CACHE, else /var/cache/kmod-matrix for root (QEMU
  // running as libvirt-qemu must be able to reach the images), else
  // $XDG_CACHE_HOME or ~/.cache.
  static std::filesystem::path default_root();

 private:
  std::filesystem::path root_;
};

// Makes a cache key safe as a directory name.
std::string cache_key_name(const std::string& human_readable, const std::string& hash_input);

}  // namespace kmx
