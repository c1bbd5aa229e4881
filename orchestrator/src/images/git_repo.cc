#include "images/git_repo.h"

#include <sstream>

namespace kmx {
namespace fs = std::filesystem;
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

constexpr auto kCheckoutTimeout = std::chrono::seconds(1800);  // a whole kernel tree, first time

}  // namespace

// Every revision follows --end-of-options (and a path "--"), or is a full
// commit hash (check_out): a revision read from bisect state or a user's
// argument is never taken for an option such as --output=FILE.
std::vector<std::string> GitRepo::argv(const std::vector<std::string>& args) const {
  std::vector<std::string> out = {"git", "-C", dir_.string()};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

ProcessResult GitRepo::git(const std::vector<std::string>& args, std::chrono::seconds timeout) const {
  return runner_.run(argv(args), {.timeout = timeout});
}

std::string GitRepo::git_output(const std::vector<std::string>& args, const std::string& fix) const {
  ProcessResult r = git(args);
  if (!r.ok()) throw GitError(r.describe(argv(args)) + "\n  fix: " + fix);
  return r.output;
}

std::string GitRepo::resolve(const std::string& revision) const {
  const std::vector<std::string> args = {"rev-parse", "--verify", "--quiet", "--end-of-options",
                                         revision + "^{commit}"};
  ProcessResult r = git(args);
  const std::string sha = trimmed(r.output);
  if (!r.ok() || sha.size() != 40)
    throw GitError("no commit '" + revision + "' in " + dir_.string() + " (" + r.describe(argv(args)) +
                   ")\n  fix: name a tag, branch or sha of that repository (git -C " + dir_.string() +
                   " log --oneline shows them)");
  return sha;
}

bool GitRepo::is_ancestor(const std::string& ancestor, const std::string& descendant) const {
  const std::vector<std::string> args = {"merge-base", "--is-ancestor", "--end-of-options", ancestor, descendant};
  ProcessResult r = git(args);
  if (r.start_error.empty() && !r.timed_out && (r.exit_code == 0 || r.exit_code == 1)) return r.exit_code == 0;
  throw GitError(r.describe(argv(args)));
}

std::vector<std::string> GitRepo::first_parent_line(const std::string& tip, const std::string& base) const {
  return words(git_output({"rev-list", "--first-parent", "--reverse", "--end-of-options", tip, "^" + base},
                          "check that both commits exist in " + dir_.string()));
}

std::vector<std::string> GitRepo::parents(const std::string& commit) const {
  std::vector<std::string> shas = words(
      git_output({"rev-list", "--parents", "-n", "1", "--end-of-options", commit}, "check that the commit exists"));
  if (!shas.empty()) shas.erase(shas.begin());  // the commit itself
  return shas;
}

std::string GitRepo::subject(const std::string& commit) const {
  return trimmed(git_output({"log", "-1", "--format=%s", "--end-of-options", commit}, "check that the commit exists"));
}

std::vector<std::string> GitRepo::changed_files(const std::string& from, const std::string& to) const {
  std::vector<std::string> files;
  std::istringstream in(
      git_output({"diff", "--name-only", "--end-of-options", from, to}, "check that both commits exist"));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) files.push_back(line);
  return files;
}

GitRepo GitRepo::shared_clone(const fs::path& dest) const {
  if (!fs::exists(dest / ".git")) {
    fs::create_directories(dest.parent_path());
    std::error_code ignored;
    fs::remove_all(dest, ignored);  // a clone cut short
    const std::vector<std::string> clone = {"git",           "clone", "--quiet",     "--shared",
                                            "--no-checkout", "--",    dir_.string(), dest.string()};
    ProcessResult r = runner_.run(clone, {.timeout = std::chrono::seconds(600)});
    if (!r.ok())
      throw GitError(r.describe(clone) + "\n  fix: --kmod-git/--kernel-git must name a git repository (not a bundle)");
  }
  return GitRepo(runner_, dest);
}

void GitRepo::check_out(const std::string& commit) const {
  // git checkout --detach takes no --end-of-options (git 2.39): only a full
  // object name, which cannot look like an option, is checked out.
  if ((commit.size() != 40 && commit.size() != 64) || commit.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw GitError("cannot check out '" + commit + "': not a full commit hash");
  for (const auto& args : std::vector<std::vector<std::string>>{{"checkout", "--quiet", "--force", "--detach", commit},
                                                                {"clean", "-ffdxq"}}) {
    ProcessResult r = git(args, kCheckoutTimeout);
    if (!r.ok()) throw GitError(r.describe(argv(args)));
  }
}

}  // namespace kmx
