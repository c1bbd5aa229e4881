#include "images/git_kernel_provider.h"

#include "matrix/source_table.h"

namespace kmx {

void GitKernelProvider::pin(GitKernelSpec& spec, SourceRecord& record, const std::string& pinned) {
  pin_git_source(runner_, spec.git, record, pinned);
}

std::string GitKernelProvider::resolve(const GitKernelSpec& spec) { return git_source_line(spec.git); }

KernelArtifacts GitKernelProvider::prepare(const GitKernelSpec& spec) {
  const std::filesystem::path tree = git_source_tree(runner_, cache_, spec.git);
  return trees_.prepare(SourceKernelSpec{spec.git.name, spec.git.location, tree, spec.config, {}});
}

namespace {

GitKernelSpec read_git_kernel(SourceTable& table) {
  GitKernelSpec k{read_git_source(table), {}};
  k.config =
      table.paths("config", "config entries must be paths", "write config = [\"images/config/module-debug.config\"]")
          .value_or(std::vector<std::filesystem::path>{});
  return k;
}

}  // namespace

KernelSource GitKernelProvider::source() {
  return {{"git", "\"git\" (repo = a kernel repository, ref = a branch or tag)", reader_of(read_git_kernel)},
          [](const ProviderContext& ctx) {
            return std::make_unique<GitKernelProvider>(ctx.runner, ctx.cache, ctx.data_dir);
          }};
}

}  // namespace kmx
