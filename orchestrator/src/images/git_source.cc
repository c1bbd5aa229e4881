#include "images/git_source.h"

#include <spdlog/spdlog.h>

#include "images/artifacts.h"
#include "images/git_repo.h"
#include "matrix/source_table.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

bool is_full_sha(const std::string& s) {
  return (s.size() == 40 || s.size() == 64) && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// What git accepts as a ref is wide; what a matrix may name is narrower:
// no leading '-' (an option), no whitespace or control characters, no "..".
std::string ref_problem(const std::string& ref) {
  if (ref.empty()) return "is empty";
  if (ref.size() > 200) return "is longer than 200 characters";
  if (ref.front() == '-') return "starts with '-', which git would read as an option";
  if (ref.find("..") != std::string::npos) return "holds '..', a range, not one revision";
  for (const char c : ref)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '~' || c == '^' || c == ':' || c == '\\')
      return "holds a character a branch or tag name cannot have";
  return "";
}

}  // namespace

GitSourceSpec read_git_source(SourceTable& table) {
  GitSourceSpec spec{table.name(), table.location()};
  spec.repo = table.required_path("repo", "\"/srv/git/kmod.git\" (a git repository)");
  spec.ref = table.required_string("ref", "\"master\" (a branch, tag or commit)");
  if (const std::string problem = ref_problem(spec.ref); !problem.empty())
    table.fail_at("ref", "ref '" + spec.ref + "' " + problem, "name a branch or tag, e.g. ref = \"master\"");
  return spec;
}

void pin_git_source(ProcessRunner& runner, GitSourceSpec& spec, SourceRecord& record, const std::string& pinned) {
  if (!fs::is_directory(spec.repo))
    throw UnknownInputError(spec.location + ": '" + spec.name + "': repo " + spec.repo.string() +
                            " is not a directory\n  fix: point repo at a git repository, e.g. a clone of "
                            "https://git.kernel.org/pub/scm/utils/kernel/kmod/kmod.git");
  const GitRepo repo(runner, spec.repo);
  try {
    if (!pinned.empty() && !is_full_sha(pinned))
      throw GitError("the recorded commit '" + pinned + "' is not a full sha\n  fix: start a new run");
    spec.commit = repo.resolve(pinned.empty() ? spec.ref : pinned);
    spec.subject = repo.subject(spec.commit);
  } catch (const GitError& e) {
    throw UnknownInputError(spec.location + ": '" + spec.name + "': ref '" + spec.ref + "' of " + spec.repo.string() +
                            ": " + e.what());
  }
  record.emplace_back("commit", spec.commit);
  record.emplace_back("subject", spec.subject);
}

std::string git_source_line(const GitSourceSpec& spec) {
  return "git " + spec.repo.string() + " " + spec.ref + " -> " + spec.commit.substr(0, 12) + " " + spec.subject;
}

fs::path git_source_tree(ProcessRunner& runner, CacheDir& cache, const GitSourceSpec& spec) {
  if (spec.commit.empty()) throw std::logic_error("git source '" + spec.name + "' was not pinned");
  const std::string key = cache_key_name(spec.name + "-" + spec.commit.substr(0, 12),
                                         "git-checkout-v1\n" + fs::absolute(spec.repo).string() + "\n" + spec.commit);
  return cache.ensure("git", key, [&](const fs::path& out) {
    spdlog::info("checking out {} {} from {}", spec.name, spec.commit.substr(0, 12), spec.repo.string());
    const GitRepo clone = GitRepo(runner, spec.repo).shared_clone(out / "src");
    clone.check_out(spec.commit);
  }) / "src";
}

}  // namespace kmx
