// bisect/bisect_session: whole bisections over a fake git history and a
// fake step runner: regressions and fixes, skips, flaky ends, merges,
// interruption and resume.
#include "bisect/bisect_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "fake_git.h"
#include "fake_step_runner.h"

namespace kmx {
namespace {

using ::testing::HasSubstr;
using namespace kmx::testing;
constexpr Verdict P = Verdict::kPass, F = Verdict::kFail;

std::string c(int i) { return "c" + std::to_string(i); }

class BisectSessionTest : public ::testing::Test {
 protected:
  // c0 (v1) .. c99 (v2), linear.
  BisectSessionTest() {
    std::vector<std::string> names;
    for (int i = 0; i < 100; ++i) names.push_back(c(i));
    git_.line(names);
    git_.tag("v1", c(0));
    git_.tag("v2", c(99));
    state_ = fresh_state(c(0), c(99));
  }
  BisectState fresh_state(const std::string& old_name, const std::string& new_name) {
    BisectState st;
    st.bisect_id = "bisect-test";
    st.git_dir = "/src/kmod";
    st.test = "kmod:0009";
    st.axis = "kmod";
    st.old_ref = old_name;
    st.old_commit = FakeGit::sha(old_name);
    st.new_ref = new_name;
    st.new_commit = FakeGit::sha(new_name);
    return st;
  }
  // Index of a commit named c<i>, or -1.
  int index_of(const std::string& sha) const {
    for (int i = 0; i < 100; ++i)
      if (FakeGit::sha(c(i)) == sha) return i;
    return -1;
  }
  void run(FakeStepRunner& runner) {
    GitRepo repo(git_, "/src/kmod");
    BisectSession(state_, repo, runner, StepContext{clock_, [this] { ++saves_; }, &stop_, "kmod"}).run();
  }

  FakeGit git_;
  BisectState state_;
  FakeClock clock_;
  std::atomic<bool> stop_{false};
  int saves_ = 0;
};

TEST_F(BisectSessionTest, FindsTheFirstCommitOfARegression) {
  FakeStepRunner runner([this](const std::string& sha, int) { return index_of(sha) >= 37 ? F : P; });
  run(runner);
  ASSERT_EQ(state_.status, BisectStatus::kFound);
  EXPECT_EQ(state_.commit, FakeGit::sha(c(37)));
  EXPECT_EQ(state_.subject, "commit c37");
  EXPECT_EQ(state_.runs, 1);  // both ends were consistent
  EXPECT_DOUBLE_EQ(state_.confidence, 1.0);
  int steps = 0;
  for (const auto& s : state_.steps) steps += s.role == "step";
  EXPECT_LE(steps, 7);  // 99 candidates
  EXPECT_EQ(state_.steps[0].role, "old");
  EXPECT_EQ(state_.steps[0].runs.size(), 2u);  // each end twice, to see flakes
  EXPECT_EQ(state_.steps[1].role, "new");
  EXPECT_GT(saves_, steps);
}

TEST_F(BisectSessionTest, FindsAFixTheSameWay) {
  FakeStepRunner runner([this](const std::string& sha, int) { return index_of(sha) >= 80 ? P : F; });
  run(runner);
  ASSERT_EQ(state_.status, BisectStatus::kFound);
  EXPECT_EQ(state_.commit, FakeGit::sha(c(80)));
}

TEST_F(BisectSessionTest, EndsThatAgreeLeaveNothingToBisect) {
  FakeStepRunner runner([](const std::string&, int) { return F; });
  run(runner);
  EXPECT_EQ(state_.status, BisectStatus::kFailed);
  EXPECT_EQ(state_.failure, "ends-agree");
  EXPECT_THAT(state_.message, HasSubstr("c0 (FAIL 2 of 2) and c99 (FAIL 2 of 2) gave the same verdicts"));
  EXPECT_EQ(runner.asked.size(), 4u);  // only the ends ran
}

TEST_F(BisectSessionTest, AnEndThatDoesNotBuildStopsIt) {
  FakeStepRunner runner([](const std::string&, int) { return P; });
  runner.unbuildable = {FakeGit::sha(c(99))};
  run(runner);
  EXPECT_EQ(state_.status, BisectStatus::kFailed);
  EXPECT_EQ(state_.failure, "end-does-not-build");
  EXPECT_THAT(state_.message, HasSubstr("the new end c99"));
}

TEST_F(BisectSessionTest, AnEndTheHarnessCouldNotTestIsInfrastructure) {
  FakeStepRunner runner([](const std::string&, int) { return Verdict::kError; });
  run(runner);
  EXPECT_EQ(state_.failure, "end-error");
  EXPECT_TRUE(state_.steps[0].runs.empty());  // a resume tests it afresh
}

TEST_F(BisectSessionTest, SkippedCommitsAroundTheAnswerLeaveARange) {
  FakeStepRunner runner([this](const std::string& sha, int) { return index_of(sha) >= 37 ? F : P; });
  runner.unbuildable = {FakeGit::sha(c(36)), FakeGit::sha(c(37))};
  run(runner);
  ASSERT_EQ(state_.status, BisectStatus::kRange);
  EXPECT_EQ(state_.range, (std::vector<std::string>{FakeGit::sha(c(36)), FakeGit::sha(c(37)), FakeGit::sha(c(38))}));
  EXPECT_EQ(state_.range_after, FakeGit::sha(c(35)));
}

TEST_F(BisectSessionTest, ASkipElsewhereStillFindsTheCommit) {
  FakeStepRunner runner([this](const std::string& sha, int) { return index_of(sha) >= 37 ? F : P; });
  runner.unbuildable = {FakeGit::sha(c(49)), FakeGit::sha(c(50))};
  run(runner);
  ASSERT_EQ(state_.status, BisectStatus::kFound);
  EXPECT_EQ(state_.commit, FakeGit::sha(c(37)));
  const StepRecord* skipped = state_.find(FakeGit::sha(c(49)));
  ASSERT_TRUE(skipped);
  EXPECT_EQ(skipped->outcome, StepOutcome::kSkip);
  EXPECT_THAT(skipped->reason, HasSubstr("does not build"));
}

TEST_F(BisectSessionTest, AFlakyNewEndMeansMoreRunsPerStepAndAConfidence) {
  // From c37 on, the test fails in every other run (odd runs); before, never.
  FakeStepRunner runner([this](const std::string& sha, int run) { return index_of(sha) >= 37 && run % 2 ? F : P; });
  run(runner);
  ASSERT_EQ(state_.status, BisectStatus::kFound);
  EXPECT_EQ(state_.commit, FakeGit::sha(c(37)));
  EXPECT_EQ(state_.runs, 5);
  for (const auto& s : state_.steps) {
    if (s.role != "step" || s.commit == state_.commit) continue;  // the culprit reran to verify it
    if (s.outcome == StepOutcome::kNew) {
      EXPECT_EQ(s.runs.size(), 1u);  // the failure showed at once
    }
    if (s.outcome == StepOutcome::kOld) {
      EXPECT_EQ(s.runs.size(), 5u);
    }
  }
  EXPECT_GT(state_.confidence, 0.7);
  EXPECT_LT(state_.confidence, 1.0);
  EXPECT_TRUE(state_.reproduced) << state_.verification;
}

TEST_F(BisectSessionTest, ACulpritWhoseParentRerunsNewIsNotReproduced) {
  // The verdict changes at c37, but c36 flips when it runs a second time.
  FakeStepRunner runner([this](const std::string& sha, int run) {
    return index_of(sha) >= 37 || (index_of(sha) == 36 && run == 2) ? F : P;
  });
  run(runner);
  ASSERT_EQ(state_.status, BisectStatus::kFound);
  EXPECT_EQ(state_.commit, FakeGit::sha(c(37)));
  EXPECT_FALSE(state_.reproduced);
  EXPECT_THAT(state_.verification, HasSubstr("the parent ran PASS 2 of 3, FAIL 1 of 3"));
  EXPECT_LT(state_.confidence, 1.0);
}

TEST_F(BisectSessionTest, AnInterruptedBisectionResumesWithoutRepeatingARun) {
  FakeStepRunner first([this](const std::string& sha, int) { return index_of(sha) >= 37 ? F : P; });
  first.stop = &stop_;
  first.stop_after = 7;
  run(first);
  EXPECT_EQ(state_.status, BisectStatus::kRunning);
  // As --resume would: the state as bisect.json holds it.
  state_ = bisect_state_from_json(to_json(state_));
  stop_ = false;
  FakeStepRunner second([this](const std::string& sha, int) { return index_of(sha) >= 37 ? F : P; });
  run(second);
  ASSERT_EQ(state_.status, BisectStatus::kFound);
  EXPECT_EQ(state_.commit, FakeGit::sha(c(37)));
  std::set<std::pair<std::string, int>> done(first.asked.begin(), first.asked.end() - 1);  // the 7th was cut
  for (const auto& asked : second.asked) EXPECT_FALSE(done.count(asked)) << asked.first << " run " << asked.second;
  EXPECT_EQ(second.asked.front(), first.asked.back());  // the cut run, again
}

TEST_F(BisectSessionTest, StepsRecordTheirTime) {
  FakeStepRunner runner([this](const std::string& sha, int) { return index_of(sha) >= 37 ? F : P; });
  runner.clock = &clock_;
  run(runner);
  for (const auto& s : state_.steps) EXPECT_DOUBLE_EQ(s.seconds, 60.0 * static_cast<double>(s.runs.size()));
}

// m0 - m1 - m2 - m3 - m4 (first-parent line), m3 merging topic t0 - t1 - t2
// that branched at m1.
class MergeBisect : public BisectSessionTest {
 protected:
  MergeBisect() {
    git_ = FakeGit();
    git_.line({"m0", "m1", "m2"});
    git_.line({"t0", "t1", "t2"}, "m1");
    git_.commit("m3", {"m2", "t2"}, "Merge branch 'topic'");
    git_.commit("m4", {"m3"});
    state_ = fresh_state("m0", "m4");
  }
  static std::set<std::string> with(std::initializer_list<const char*> names) {
    std::set<std::string> out;
    for (const char* n : names) out.insert(FakeGit::sha(n));
    return out;
  }
};

TEST_F(MergeBisect, DescendsIntoTheMergeThatBroughtTheChange) {
  const auto broken = with({"t1", "t2", "m3", "m4"});
  FakeStepRunner runner([&](const std::string& sha, int) { return broken.count(sha) ? F : P; });
  run(runner);
  ASSERT_EQ(state_.status, BisectStatus::kFound);
  EXPECT_EQ(state_.commit, FakeGit::sha("t1"));
}

TEST_F(MergeBisect, TheMergeItselfWhenEveryMergedCommitIsOld) {
  const auto broken = with({"m3", "m4"});
  FakeStepRunner runner([&](const std::string& sha, int) { return broken.count(sha) ? F : P; });
  run(runner);
  ASSERT_EQ(state_.status, BisectStatus::kFound);
  EXPECT_EQ(state_.commit, FakeGit::sha("m3"));
  EXPECT_EQ(state_.subject, "Merge branch 'topic'");
}

TEST(FormatDuration, ReadsLikeAClock) {
  EXPECT_EQ(format_duration(12), "12s");
  EXPECT_EQ(format_duration(151), "2m31s");
  EXPECT_EQ(format_duration(3840), "1h04m");
}

}  // namespace
}  // namespace kmx
