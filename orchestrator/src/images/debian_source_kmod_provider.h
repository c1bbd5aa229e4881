// kmod built from a Debian source package (`apt-get source kmod=VERSION`):
// Debian's patches applied, xz/zstd/openssl enabled so compressed and
// signed modules work; autotools for kmod <= 30, meson from 31 on. Cached
// by version.
#pragma once

#include "images/cache_dir.h"
#include "images/kernel_provider.h"
#include "os/process_runner.h"

namespace kmx {

class DebianSourceKmodProvider : public KmodProvider {
 public:
  DebianSourceKmodProvider(ProcessRunner& runner, CacheDir& cache) : runner_(runner), cache_(cache) {}
  KmodArtifacts prepare(const KmodSpec& spec) override;

 private:
  void fetch_and_unpack(const std::string& version, const std::filesystem::path& src);

  ProcessRunner& runner_;
  CacheDir& cache_;
};

}  // namespace kmx
