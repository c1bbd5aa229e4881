// The kmod history the e2e tests write commits into: a clone of
// ../shared/data/kmod.bundle (or $KMX_KMOD_BUNDLE; the tests skip without
// it), edited and committed as a developer would.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "os/files.h"
#include "os/process_runner.h"

namespace kmx::e2e {

inline std::filesystem::path kmod_bundle() {
  if (const char* env = std::getenv("KMX_KMOD_BUNDLE"); env && *env) return env;
  return std::filesystem::path(KMX_SOURCE_DIR) / "../shared/data/kmod.bundle";
}

// Why a test that needs the kmod history must skip; "" when it is there.
inline std::string missing_kmod_bundle() {
  if (std::filesystem::exists(kmod_bundle())) return "";
  return "no kmod history at " + kmod_bundle().string() + " (set KMX_KMOD_BUNDLE to a clone or bundle of kmod's git)";
}

// A git repository the tests write commits into; every subject starts with
// subject_prefix (e.g. "synthetic: ", to tell our commits from kmod's).
class Repo {
 public:
  explicit Repo(std::filesystem::path dir, std::string subject_prefix = "")
      : dir_(std::move(dir)), prefix_(std::move(subject_prefix)) {}
  const std::filesystem::path& dir() const { return dir_; }

  std::string git(const std::vector<std::string>& args, std::chrono::seconds limit = std::chrono::seconds(600)) const {
    std::vector<std::string> argv = {"git", "-c", "user.name=kmx e2e", "-c", "user.email=e2e@localhost"};
    argv.insert(argv.end(), args.begin(), args.end());
    const ProcessResult r = BoostProcessRunner().run(argv, {.cwd = dir_, .timeout = limit});
    EXPECT_TRUE(r.ok()) << "git " << args.front() << ": " << r.output;
    return r.output;
  }

  // Replaces `from` with `to` in the file (appends `to` when `from` is
  // empty).
  void edit(const std::string& file, const std::string& from, const std::string& to) const {
    std::string text = read_file(dir_ / file);
    if (from.empty()) {
      text += to;
    } else {
      const auto at = text.find(from);
      ASSERT_NE(at, std::string::npos) << from << " not in " << file;
      text.replace(at, from.size(), to);
    }
    write_file_atomically(dir_ / file, text);
  }

  void commit(const std::string& subject) const { git({"commit", "-q", "-a", "-m", prefix_ + subject}); }

  void edit_and_commit(const std::string& file, const std::string& from, const std::string& to,
                       const std::string& subject) const {
    edit(file, from, to);
    commit(subject);
  }

 private:
  std::filesystem::path dir_;
  std::string prefix_;
};

}  // namespace kmx::e2e
