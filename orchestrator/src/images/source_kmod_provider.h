// kmod from a local source tree (a checkout at any commit, for testing
// v19..HEAD or bisecting kmod): copied into the cache, built like the
// Debian source, cached by the tree's identity.
#pragma once

#include "images/cache_dir.h"
#include "images/source_registry.h"
#include "os/process_runner.h"

namespace kmx {

// What [[kmod]] source = "source" declares.
struct SourceKmodSpec {
  std::string name;
  std::string location;
  std::filesystem::path path;  // a kmod source tree
};

class SourceKmodProvider : public KmodProviderOf<SourceKmodSpec> {
 public:
  SourceKmodProvider(ProcessRunner& runner, CacheDir& cache) : runner_(runner), cache_(cache) {}
  std::string resolve(const SourceKmodSpec& spec) override;
  KmodArtifacts prepare(const SourceKmodSpec& spec) override;
  // "source": its reader and factory, for the registry.
  static KmodSource source();

 private:
  ProcessRunner& runner_;
  CacheDir& cache_;
};

}  // namespace kmx
