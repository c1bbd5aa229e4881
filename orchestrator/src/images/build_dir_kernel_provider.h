// Kernels a developer already built: `path` is the O= directory (or the
// source tree of an in-tree build) holding .config, bzImage and
// Module.symvers. Modules are installed into the cache; test modules are
// built against the directory itself.
#pragma once

#include "images/cache_dir.h"
#include "images/kernel_provider.h"
#include "os/process_runner.h"

namespace kmx {

class BuildDirKernelProvider : public KernelProvider {
 public:
  BuildDirKernelProvider(ProcessRunner& runner, CacheDir& cache) : runner_(runner), cache_(cache) {}
  KernelArtifacts prepare(const KernelSpec& spec) override;

  // The source tree of a build: <build>/source for O= builds, else itself.
  static std::filesystem::path source_tree(const std::filesystem::path& build);

 private:
  ProcessRunner& runner_;
  CacheDir& cache_;
};

}  // namespace kmx
