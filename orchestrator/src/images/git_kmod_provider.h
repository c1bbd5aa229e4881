// kmod from a git repository at a ref that moves ([[kmod]] source = "git",
// repo, ref): the ref pinned to its commit when the run starts, that
// commit checked out in the cache and built as the "source" kmod is.
#pragma once

#include "images/cache_dir.h"
#include "images/git_source.h"
#include "images/source_kmod_provider.h"
#include "images/source_registry.h"
#include "os/process_runner.h"

namespace kmx {

class GitKmodProvider : public KmodProviderOf<GitSourceSpec> {
 public:
  GitKmodProvider(ProcessRunner& runner, CacheDir& cache) : runner_(runner), cache_(cache), trees_(runner, cache) {}
  void pin(GitSourceSpec& spec, SourceRecord& record, const std::string& pinned) override;
  std::string resolve(const GitSourceSpec& spec) override;
  KmodArtifacts prepare(const GitSourceSpec& spec) override;
  // "git": its reader and factory, for the registry.
  static KmodSource source();

 private:
  ProcessRunner& runner_;
  CacheDir& cache_;
  SourceKmodProvider trees_;
};

}  // namespace kmx
