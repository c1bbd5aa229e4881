// The git that "git" sources and bisections need, through the ProcessRunner
// seam (argv, never a shell): resolve revisions, walk first-parent lines, read subjects and
// parents, and materialise revisions in a clone of its own. The user's
// repository is only read: no `git bisect` state, no worktree entry, no
// checkout there.
#pragma once

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "os/process_runner.h"

namespace kmx {

// A git command failed; what() names the command, its output and a fix.
class GitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class GitRepo {
 public:
  GitRepo(ProcessRunner& runner, std::filesystem::path dir) : runner_(runner), dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }

  // The full sha of a commit ("v30", "HEAD~3", a short sha).
  std::string resolve(const std::string& revision) const;
  bool is_ancestor(const std::string& ancestor, const std::string& descendant) const;
  // `tip` and its first parents down to the first commit `base` reaches,
  // oldest first (git rev-list --first-parent --reverse tip ^base). Each is
  // an ancestor of the next, so a behaviour that changed once changes once
  // along it; the parent of the first is reachable from base.
  std::vector<std::string> first_parent_line(const std::string& tip, const std::string& base) const;
  std::vector<std::string> parents(const std::string& commit) const;
  std::string subject(const std::string& commit) const;
  // The paths `to` changes against `from` (git diff --name-only).
  std::vector<std::string> changed_files(const std::string& from, const std::string& to) const;

  // A clone at `dest` that borrows this repository's objects (git clone
  // --shared --no-checkout), made once; the bisection checks revisions out
  // there. Writes nothing into this repository.
  GitRepo shared_clone(const std::filesystem::path& dest) const;
  // The work tree at `commit` and nothing else: for a clone of our own only
  // (checkout --force, clean -ffdx). Only changed files are rewritten, so
  // an O= kernel build beside it stays incremental.
  void check_out(const std::string& commit) const;

 private:
  std::vector<std::string> argv(const std::vector<std::string>& args) const;  // git -C dir args...
  ProcessResult git(const std::vector<std::string>& args,
                    std::chrono::seconds timeout = std::chrono::seconds(120)) const;
  std::string git_output(const std::vector<std::string>& args, const std::string& fix) const;

  ProcessRunner& runner_;
  std::filesystem::path dir_;
};

}  // namespace kmx
