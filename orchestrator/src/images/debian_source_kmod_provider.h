// kmod built from a Debian source package (`apt-get source kmod=VERSION`):
// Debian's patches applied, xz/zstd/openssl enabled so compressed and
// signed modules work; autotools for kmod <= 30, meson from 31 on. Cached
// by version.
#pragma once

#include "images/cache_dir.h"
#include "images/source_registry.h"
#include "os/process_runner.h"

namespace kmx {

// What [[kmod]] source = "debian-source" declares.
struct DebianSourceKmodSpec {
  std::string name;
  std::string location;
  std::string version;  // a Debian source version, e.g. "34.2-2"
};

class DebianSourceKmodProvider : public KmodProviderOf<DebianSourceKmodSpec> {
 public:
  DebianSourceKmodProvider(ProcessRunner& runner, CacheDir& cache) : runner_(runner), cache_(cache) {}
  std::string resolve(const DebianSourceKmodSpec& spec) override;
  KmodArtifacts prepare(const DebianSourceKmodSpec& spec) override;
  // "debian-source": its reader and factory, for the registry.
  static KmodSource source();
  // The versions an `apt-cache showsrc kmod` answer lists.
  static std::vector<std::string> source_versions(const std::string& showsrc_output);

 private:
  void fetch_and_unpack(const std::string& version, const std::filesystem::path& src);
  static std::string cache_key(const std::string& version);

  ProcessRunner& runner_;
  CacheDir& cache_;
};

}  // namespace kmx
