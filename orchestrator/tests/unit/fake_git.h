// A fake git repository behind the ProcessRunner seam: a commit graph in
// memory that answers the git commands images/git_repo.cc runs (rev-parse,
// merge-base --is-ancestor, rev-list, log, clone, checkout, clean), so
// bisection is tested without a repository or a VM.
#pragma once

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fakes.h"
#include "os/files.h"

namespace kmx::testing {

class FakeGit : public ProcessRunner {
 public:
  // A 40-hex sha standing for a commit named `name` in a test.
  static std::string sha(const std::string& name) { return sha256_hex(name).substr(0, 40); }

  // Adds commit `name` with parents (by name) and subject; the first commit has none.
  void commit(const std::string& name, std::vector<std::string> parents, const std::string& subject = "") {
    Commit c;
    for (const auto& p : parents) c.parents.push_back(sha(p));
    c.subject = subject.empty() ? "commit " + name : subject;
    c.files = {"libkmod/" + name + ".c"};
    commits_[sha(name)] = c;
  }
  // What `name` changes (git diff --name-only against its parent).
  void files(const std::string& name, std::vector<std::string> changed) { commits_.at(sha(name)).files = changed; }
  // A linear history: names[0] has no parent (or `base`), each next one's parent is the one before.
  void line(const std::vector<std::string>& names, const std::string& base = "") {
    std::string parent = base;
    for (const auto& n : names) {
      commit(n, parent.empty() ? std::vector<std::string>{} : std::vector<std::string>{parent});
      parent = n;
    }
  }
  void tag(const std::string& ref, const std::string& name) { refs_[ref] = sha(name); }
  void head(const std::filesystem::path& dir, const std::string& name) { heads_[dir.string()] = sha(name); }

  ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& = {}) override {
    calls.push_back(argv);
    if (argv.size() >= 2 && argv[0] == "git" && argv[1] == "clone") {
      std::filesystem::create_directories(argv.back() + "/.git");
      clones.push_back(argv.back());
      return exited(0);
    }
    if (argv.size() < 4 || argv[0] != "git" || argv[1] != "-C") return exited(2, "fake git: unexpected command");
    const std::string dir = argv[2];
    std::vector<std::string> a(argv.begin() + 3, argv.end());
    // Like the real git kmod-matrix must guard against, a revision before
    // --end-of-options would be read as an option: the fake refuses it.
    if (a[0] == "checkout" && (a.back().size() != 40 || a.back().starts_with("-")))
      return exited(129, "fake git: checkout of something that is not a full hash");
    if (a[0] != "clean" && a[0] != "checkout") {
      const auto end = std::find(a.begin(), a.end(), "--end-of-options");
      if (end == a.end()) return exited(129, "fake git: revisions without --end-of-options");
      a.erase(end);
    }
    if (a[0] == "rev-parse") {
      std::string rev = a.back();
      if (rev.ends_with("^{commit}")) rev.resize(rev.size() - 9);
      const std::string found = resolve(dir, rev);
      return found.empty() ? exited(1) : exited(0, found + "\n");
    }
    if (a[0] == "merge-base") return exited(reaches(a[3], a[2]) ? 0 : 1);
    if (a[0] == "rev-list" && a[1] == "--first-parent")
      return exited(0, joined(first_parent_line(a[3], a[4].substr(1))));
    if (a[0] == "rev-list" && a[1] == "--parents") {
      std::vector<std::string> out = {a.back()};
      for (const auto& p : commits_.at(a.back()).parents) out.push_back(p);
      return exited(0, joined(out));
    }
    if (a[0] == "log") return exited(0, commits_.at(a.back()).subject + "\n");
    if (a[0] == "checkout") {
      heads_[dir] = a.back();
      checkouts.push_back(a.back());
      return exited(0);
    }
    if (a[0] == "clean") return exited(0);
    if (a[0] == "diff" && a[1] == "--name-only") return exited(0, joined(commits_.at(a.back()).files));
    return exited(2, "fake git: unexpected command " + a[0]);
  }

  std::vector<std::vector<std::string>> calls;
  std::vector<std::string> clones;     // destinations
  std::vector<std::string> checkouts;  // shas, in order

 private:
  struct Commit {
    std::vector<std::string> parents;
    std::string subject;
    std::vector<std::string> files;
  };

  std::string resolve(const std::string& dir, const std::string& rev) const {
    if (rev == "HEAD") return heads_.count(dir) ? heads_.at(dir) : "";
    if (refs_.count(rev)) return refs_.at(rev);
    for (const auto& [sha, c] : commits_)
      if (sha.starts_with(rev) && rev.size() >= 4) return sha;
    return "";
  }
  // `from` reaches `to` through parents (or is it).
  bool reaches(const std::string& from, const std::string& to) const {
    std::vector<std::string> todo = {from};
    std::set<std::string> seen;
    while (!todo.empty()) {
      const std::string c = todo.back();
      todo.pop_back();
      if (c == to) return true;
      if (!seen.insert(c).second) continue;
      for (const auto& p : commits_.at(c).parents) todo.push_back(p);
    }
    return false;
  }
  std::vector<std::string> first_parent_line(const std::string& tip, const std::string& base) const {
    std::vector<std::string> out;
    for (std::string c = tip; !reaches(base, c);) {
      out.push_back(c);
      const auto& parents = commits_.at(c).parents;
      if (parents.empty()) break;
      c = parents.front();
    }
    std::reverse(out.begin(), out.end());
    return out;
  }
  static std::string joined(const std::vector<std::string>& shas) {
    std::string out;
    for (const auto& s : shas) out += s + "\n";
    return out;
  }

  std::map<std::string, Commit> commits_;
  std::map<std::string, std::string> refs_;
  std::map<std::string, std::string> heads_;
};

}  // namespace kmx::testing
