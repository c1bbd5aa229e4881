#include "images/git_kmod_provider.h"

#include "matrix/source_table.h"

namespace kmx {

void GitKmodProvider::pin(GitSourceSpec& spec, SourceRecord& record, const std::string& pinned) {
  pin_git_source(runner_, spec, record, pinned);
}

std::string GitKmodProvider::resolve(const GitSourceSpec& spec) { return git_source_line(spec); }

KmodArtifacts GitKmodProvider::prepare(const GitSourceSpec& spec) {
  return trees_.prepare(SourceKmodSpec{spec.name, spec.location, git_source_tree(runner_, cache_, spec)});
}

KmodSource GitKmodProvider::source() {
  return {{"git", "\"git\" (repo = a kmod repository, ref = a branch or tag)", reader_of(read_git_source)},
          [](const ProviderContext& ctx) { return std::make_unique<GitKmodProvider>(ctx.runner, ctx.cache); }};
}

}  // namespace kmx
