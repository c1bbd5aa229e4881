// bisect/bisect_state: bisect.json written and read back, bisect.log in
// git's format, the summary whose last line names the commit.
#include "bisect/bisect_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using testing::ScratchDir;

const std::string kOld(40, 'a');
const std::string kNew(40, 'b');
const std::string kStep(40, 'c');
const std::string kSkipped(40, 'd');

BisectState sample_state() {
  BisectState st;
  st.bisect_id = "bisect-20261124-101500-42";
  st.tool_version = "0.1.0";
  st.created_at = "2026-11-24T10:15:00Z";
  st.matrix_file = "matrix.toml";
  st.matrix_source = "/home/me/m0009.toml";
  st.test = "kmod:0009";
  st.axis = "kmod";
  st.git_dir = "/src/kmod";
  st.old_ref = "v30";
  st.old_commit = kOld;
  st.new_ref = "v34.2";
  st.new_commit = kNew;
  st.runs = 1;
  st.workdir = "/var/cache/kmod-matrix/bisect/bisect-20261124-101500-42";
  st.steps.push_back({kOld,
                      "kmod 30",
                      "old",
                      {{Verdict::kFail, "round 1: -EINVAL", "steps/aaaaaaaaaaaa/run-1", 20, 31},
                       {Verdict::kFail, "round 1: -EINVAL", "steps/aaaaaaaaaaaa/run-2", 20, 30}},
                      StepOutcome::kOld,
                      "FAIL 2 of 2",
                      1.0,
                      140});
  st.steps.push_back({kNew,
                      "kmod 34.2",
                      "new",
                      {{Verdict::kPass, "", "steps/bbbbbbbbbbbb/run-1", 20, 65}},
                      StepOutcome::kNew,
                      "PASS 1 of 1",
                      1.0,
                      90});
  st.steps.push_back(
      {kSkipped, "build: meson", "step", {}, StepOutcome::kSkip, "the kmod does not build: meson failed", 1.0, 12});
  st.steps.push_back({kStep,
                      "libkmod: faster lookup",
                      "step",
                      {{Verdict::kPass, "", "steps/cccccccccccc/run-1", 20, 70}},
                      StepOutcome::kNew,
                      "PASS 1 of 1: PASS is the new behaviour",
                      1.0,
                      95});
  st.status = BisectStatus::kFound;
  st.commit = kStep;
  st.subject = "libkmod: faster lookup";
  st.confidence = 1.0;
  return st;
}

TEST(BisectState, ReadsBackAsItWasWritten) {
  const BisectState st = sample_state();
  const nlohmann::json j = to_json(st);
  EXPECT_EQ(to_json(bisect_state_from_json(j)), j);
  EXPECT_EQ(j["commit"], kStep);
  EXPECT_EQ(j["steps"][0]["verdicts"]["FAIL"], 2);
  EXPECT_EQ(j["steps"][0]["runs"][0]["rounds"], 20);
  EXPECT_EQ(j["behaviour"]["old"]["FAIL"], 2);
  EXPECT_EQ(j["skipped"][0]["commit"], kSkipped);
  EXPECT_EQ(j["skipped"][0]["reason"], "the kmod does not build: meson failed");
}

TEST(BisectState, AnUnfinishedStepKeepsItsRunsAndNoOutcome) {
  BisectState st = sample_state();
  st.status = BisectStatus::kRunning;
  st.commit.clear();
  st.steps.back().outcome.reset();
  const nlohmann::json j = to_json(st);
  EXPECT_TRUE(j["commit"].is_null());
  EXPECT_TRUE(j["steps"][3]["outcome"].is_null());
  const BisectState back = bisect_state_from_json(j);
  EXPECT_FALSE(back.steps[3].outcome);
  EXPECT_EQ(back.steps[3].runs.size(), 1u);
}

TEST(BisectState, SavesBothFilesAndLoadsThemBack) {
  ScratchDir dir;
  save_bisect_state(sample_state(), dir.path());
  const BisectState back = load_bisect_state(dir.path());
  EXPECT_EQ(back.commit, kStep);
  EXPECT_FALSE(back.updated_at.empty());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "bisect.log"));
}

TEST(BisectState, NoBisectionThereIsAnErrorWithAFix) {
  ScratchDir dir;
  try {
    load_bisect_state(dir.path() / "bisect-nope");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("bisect.json"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

TEST(BisectState, AnotherFormatIsRefused) {
  nlohmann::json j = to_json(sample_state());
  j["format"] = 99;
  EXPECT_THROW(bisect_state_from_json(j), std::runtime_error);
}

TEST(BisectState, TheLogIsGitBisectLogReplayableByGit) {
  const std::string log = render_bisect_log(sample_state());
  EXPECT_THAT(log, HasSubstr("\ngit bisect start\n"));
  EXPECT_THAT(log, HasSubstr("\ngit bisect old " + kOld + "\n"));
  EXPECT_THAT(log, HasSubstr("\ngit bisect new " + kNew + "\n"));
  EXPECT_THAT(log, HasSubstr("\ngit bisect skip " + kSkipped + "\n"));
  EXPECT_THAT(log, HasSubstr("# first new commit: [" + kStep + "] libkmod: faster lookup\n"));
}

TEST(BisectState, TheSummaryEndsWithTheFirstNewCommit) {
  const std::string out = render_bisect_summary(sample_state(), "results/bisect-1/bisect.json");
  EXPECT_THAT(out, HasSubstr("skipped " + kSkipped + " build: meson: the kmod does not build"));
  EXPECT_THAT(out, HasSubstr("confidence: 100%"));
  EXPECT_THAT(out, HasSubstr("results: results/bisect-1/bisect.json\n"));
  EXPECT_THAT(out, EndsWith("\nfirst commit with the new behaviour: " + kStep + " libkmod: faster lookup\n"));
}

TEST(BisectState, ARangeIsSaidAsARange) {
  BisectState st = sample_state();
  st.status = BisectStatus::kRange;
  st.commit.clear();
  st.range = {kSkipped, kStep};
  st.range_after = kOld;
  const std::string out = render_bisect_summary(st, "bisect.json");
  EXPECT_THAT(out, HasSubstr("skipped commits hide which of these 2 is first:\n  " + kSkipped + " build: meson\n"));
  EXPECT_THAT(out, EndsWith("first commit with the new behaviour: one of 2 commits after " + kOld + ", " + kSkipped +
                            ".." + kStep + "\n"));
  EXPECT_EQ(to_json(bisect_state_from_json(to_json(st))), to_json(st));
}

// Issue 25: bisect.json is read back as crafted. A commit of "--output=FILE"
// reached git rev-list and git log (a file was truncated); a bisect_id of
// "../../victim" left the cache.
TEST(BisectState, ValuesThatReachGitOrPathsAreCheckedWhenReadBack) {
  const std::vector<std::pair<std::function<void(nlohmann::json&)>, std::string>> cases = {
      {[](nlohmann::json& j) { j["old"]["commit"] = "--output=/tmp/x"; }, "old.commit is not a full commit hash"},
      {[](nlohmann::json& j) { j["new"]["commit"] = "HEAD"; }, "new.commit is not a full commit hash"},
      {[](nlohmann::json& j) { j["commit"] = "-p"; }, "commit is not a full commit hash"},
      {[](nlohmann::json& j) { j["steps"][1]["commit"] = "--all"; }, "a step's commit is not a full commit hash"},
      {[](nlohmann::json& j) { j["bisect_id"] = "../../victim"; }, "bisect_id contains '/'"},
      {[](nlohmann::json& j) { j["matrix"] = "../../etc/passwd"; }, "matrix has a \"..\" part"},
      {[](nlohmann::json& j) { j["git_dir"] = "--upload-pack=x"; }, "git_dir is not an absolute path"},
      {[](nlohmann::json& j) { j["kernel_config"] = {"-x"}; }, "a kernel_config fragment is not an absolute path"},
  };
  for (const auto& [edit, message] : cases) {
    nlohmann::json j = to_json(sample_state());
    edit(j);
    try {
      bisect_state_from_json(j);
      ADD_FAILURE() << "no error: " << message;
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr(message));
    }
  }
}

TEST(BisectState, ADeepOrSymlinkedStateFileIsRefusedNamingIt) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "bisect.json", std::string(100000, '[') + std::string(100000, ']'));
  try {
    load_bisect_state(dir.path());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("bisect.json nests"));
  }
  ScratchDir other;
  save_bisect_state(sample_state(), other.path());
  std::filesystem::remove(dir.path() / "bisect.json");
  std::filesystem::create_symlink(other.path() / "bisect.json", dir.path() / "bisect.json");
  EXPECT_THROW(load_bisect_state(dir.path()), std::runtime_error);
}

}  // namespace
}  // namespace kmx
