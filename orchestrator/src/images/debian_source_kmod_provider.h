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
  KmodArtifacts prepare(const DebianSourceKmodSpec& spec) override;
  // "debian-source": its reader and factory, for the registry.
  static KmodSource source();

 private:
  void fetch_and_unpack(const std::string& version, const std::filesystem::path& src);

  ProcessRunner& runner_;
  CacheDir& cache_;
};

}  // namespace kmx
