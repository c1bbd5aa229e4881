// Kernels built from a source tree: defconfig + kvm_guest.config + config
// fragments (images/config/module-debug.config by default: test_kmod,
// xfs as a module, MODULE_DEBUG and MODULE_STATS) with ccache, by
// images/build-kernel.sh; cached by (tree, fragments). The result is then
// an ordinary build directory. With a persistent build_dir (bisect), the
// tree is built there in place, incrementally, every time.
#pragma once

#include "images/build_dir_kernel_provider.h"

namespace kmx {

// What [[kernel]] source = "source" declares.
struct SourceKernelSpec {
  std::string name;
  std::string location;
  std::filesystem::path path;                 // the source tree
  std::vector<std::filesystem::path> config;  // fragments, relative to the matrix file; empty: module-debug.config
  // A persistent O= directory (bisect): every build reuses it, so a new
  // revision is an incremental build; nothing is cached by tree. Empty: a
  // fresh O= directory per tree in the cache.
  std::filesystem::path build_dir;
};

class SourceKernelProvider : public KernelProviderOf<SourceKernelSpec> {
 public:
  SourceKernelProvider(ProcessRunner& runner, CacheDir& cache, std::filesystem::path data_dir)
      : runner_(runner), cache_(cache), data_dir_(std::move(data_dir)), build_dirs_(runner, cache) {}
  std::string resolve(const SourceKernelSpec& spec) override;
  KernelArtifacts prepare(const SourceKernelSpec& spec) override;
  // "source": its reader and factory, for the registry.
  static KernelSource source();
  // Fragment options build-kernel.sh says the kernel did not take (e.g.
  // CONFIG_MODULE_STATS=y on 6.1, which predates it), from its log.
  static std::vector<std::string> options_not_applied(const std::string& build_log);

 private:
  // The matrix's fragments, or the shipped module-debug.config.
  std::vector<std::filesystem::path> fragments_of(const SourceKernelSpec& spec) const;
  // build-kernel.sh SRC OUT FRAGMENTS, with progress every 30 s; throws ImageError.
  void build(const SourceKernelSpec& spec, const std::vector<std::filesystem::path>& fragments,
             const std::filesystem::path& out, const std::filesystem::path& log);

  ProcessRunner& runner_;
  CacheDir& cache_;
  std::filesystem::path data_dir_;
  BuildDirKernelProvider build_dirs_;
};

}  // namespace kmx
