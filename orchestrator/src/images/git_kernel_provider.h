// A kernel from a git repository at a ref that moves ([[kernel]] source =
// "git", repo, ref, config): the ref pinned to its commit when the run
// starts, that commit checked out in the cache and built as the "source"
// kernel is (defconfig + kvm_guest.config + the config fragments).
#pragma once

#include "images/git_source.h"
#include "images/source_kernel_provider.h"
#include "images/source_registry.h"

namespace kmx {

struct GitKernelSpec {
  GitSourceSpec git;
  std::vector<std::filesystem::path> config;  // fragments; empty: module-debug.config
};

class GitKernelProvider : public KernelProviderOf<GitKernelSpec> {
 public:
  GitKernelProvider(ProcessRunner& runner, CacheDir& cache, std::filesystem::path data_dir)
      : runner_(runner), cache_(cache), trees_(runner, cache, std::move(data_dir)) {}
  void pin(GitKernelSpec& spec, SourceRecord& record, const std::string& pinned) override;
  std::string resolve(const GitKernelSpec& spec) override;
  KernelArtifacts prepare(const GitKernelSpec& spec) override;
  // "git": its reader and factory, for the registry.
  static KernelSource source();

 private:
  ProcessRunner& runner_;
  CacheDir& cache_;
  SourceKernelProvider trees_;
};

}  // namespace kmx
