// What the "git" kernel and kmod sources share: a repository and a ref
// that moves (a branch, a tag), pinned to one commit when a run starts so
// every cell of the run tests the same revision, and that commit's tree
// checked out in the cache (a clone that borrows the repository's objects:
// the user's repository is only read).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "images/cache_dir.h"
#include "images/kernel_provider.h"
#include "os/process_runner.h"

namespace kmx {

class SourceTable;

struct GitSourceSpec {
  std::string name;
  std::string location;
  std::filesystem::path repo;  // a git repository (work tree or bare)
  std::string ref;             // branch, tag or commit; pinned: the full sha
  std::string commit;          // set by pin_git_source: the full sha the ref named at the start
  std::string subject;
};

// repo and ref from a [[kernel]] or [[kmod]] table; a ref that could reach
// git as an option or is not a plausible ref name is an error at its value.
GitSourceSpec read_git_source(SourceTable& table);

// Resolves spec.ref (or `pinned`, the commit a resumed run recorded) to its
// commit and subject, and adds them to `record` ("commit", "subject", as
// results.json, history.db and the reports show them). Throws
// UnknownInputError naming the table and the fix.
void pin_git_source(ProcessRunner& runner, GitSourceSpec& spec, SourceRecord& record, const std::string& pinned = "");

// "git REPO REF -> <sha12> <subject>": check's line, after pinning.
std::string git_source_line(const GitSourceSpec& spec);

// The tree at spec.commit, checked out once per (repository, commit) in the cache.
std::filesystem::path git_source_tree(ProcessRunner& runner, CacheDir& cache, const GitSourceSpec& spec);

}  // namespace kmx
