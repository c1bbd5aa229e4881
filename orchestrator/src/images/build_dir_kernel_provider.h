// Kernels a developer already built: `path` is the O= directory (or the
// source tree of an in-tree build) holding .config, bzImage and
// Module.symvers. Modules are installed into the cache; test modules are
// built against the directory itself.
#pragma once

#include "images/cache_dir.h"
#include "images/source_registry.h"
#include "os/process_runner.h"

namespace kmx {

// What [[kernel]] source = "build-dir" declares.
struct BuildDirKernelSpec {
  std::string name;
  std::string location;
  std::filesystem::path path;  // the O= (or in-tree) build
};

class BuildDirKernelProvider : public KernelProviderOf<BuildDirKernelSpec> {
 public:
  BuildDirKernelProvider(ProcessRunner& runner, CacheDir& cache) : runner_(runner), cache_(cache) {}
  std::string resolve(const BuildDirKernelSpec& spec) override;
  KernelArtifacts prepare(const BuildDirKernelSpec& spec) override;
  // "build-dir": its reader and factory, for the registry.
  static KernelSource source();

  // The source tree of a build: <build>/source for O= builds, else itself.
  static std::filesystem::path source_tree(const std::filesystem::path& build);

 private:
  ProcessRunner& runner_;
  CacheDir& cache_;
};

}  // namespace kmx
