// kmod from a local source tree (a checkout at any commit, for testing
// v19..HEAD or bisecting kmod): copied into the cache, built like the
// Debian source, cached by the tree's identity.
#pragma once

#include "images/cache_dir.h"
#include "images/kernel_provider.h"
#include "os/process_runner.h"

namespace kmx {

class SourceKmodProvider : public KmodProvider {
 public:
  SourceKmodProvider(ProcessRunner& runner, CacheDir& cache) : runner_(runner), cache_(cache) {}
  KmodArtifacts prepare(const KmodSpec& spec) override;

 private:
  ProcessRunner& runner_;
  CacheDir& cache_;
};

}  // namespace kmx
