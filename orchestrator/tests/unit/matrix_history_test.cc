// results/matrix_history: every test of a matrix in every cell across a
// window of runs, with pass rates, flips and when the latest verdict began.
#include "analysis/matrix_history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmx {
namespace {

using ::testing::HasSubstr;

RecordedRun run(const std::string& id, const std::string& date) {
  return RecordedRun{id, date + "T01:00:00Z", "", "nightly", "", "", "tcg"};
}

RecordedVerdict verdict(const RecordedRun& r, const std::string& test, Verdict v, const std::string& kernel = "k") {
  RecordedVerdict out;
  out.run_id = r.run_id;
  out.started_at = r.started_at;
  out.cell = RecordedCellKey{kernel, "host", 1, 512};
  out.verdict = v;
  out.evidence = "evidence in " + r.run_id;
  out.test = test;
  return out;
}

const std::vector<RecordedRun> kRuns = {run("r1", "2026-12-01"), run("r2", "2026-12-02"), run("r3", "2026-12-03"),
                                        run("r4", "2026-12-04")};

TEST(WindowRuns, TheLastNAndSinceADate) {
  EXPECT_EQ(window_runs(kRuns, {}).size(), 4u);
  const auto last2 = window_runs(kRuns, {2, ""});
  ASSERT_EQ(last2.size(), 2u);
  EXPECT_EQ(last2.front().run_id, "r3");
  EXPECT_EQ(window_runs(kRuns, {0, "2026-12-02"}).front().run_id, "r2");
  EXPECT_EQ(window_runs(kRuns, {1, "2026-12-02"}).front().run_id, "r4");
  EXPECT_TRUE(window_runs(kRuns, {0, "2027"}).empty());
}

TEST(BuildMatrixHistory, PassRateFlipsAndWhereTheLatestVerdictBegan) {
  const auto h = build_matrix_history("nightly", kRuns,
                                      {verdict(kRuns[0], "a", Verdict::kPass), verdict(kRuns[1], "a", Verdict::kFail),
                                       verdict(kRuns[2], "a", Verdict::kPass), verdict(kRuns[3], "a", Verdict::kPass),
                                       verdict(kRuns[1], "b", Verdict::kPass), verdict(kRuns[3], "b", Verdict::kPass)});
  ASSERT_EQ(h.tracks.size(), 2u);
  const TestTrack& a = h.tracks[0];
  EXPECT_EQ(a.test, "a");
  EXPECT_EQ(a.ran, 4);
  EXPECT_EQ(a.passed, 3);
  EXPECT_EQ(a.flips, 2);
  EXPECT_EQ(a.change_began, 2u);  // PASS again since r3
  const TestTrack& b = h.tracks[1];
  EXPECT_EQ(b.ran, 2);  // not in r1 and r3
  EXPECT_EQ(b.flips, 0);
  EXPECT_FALSE(b.change_began);
  EXPECT_FALSE(b.verdicts[0]);
}

TEST(BuildMatrixHistory, VerdictsOfRunsOutsideTheWindowAreIgnored) {
  const std::vector<RecordedRun> window(kRuns.begin() + 2, kRuns.end());
  const auto h = build_matrix_history("nightly", window,
                                      {verdict(kRuns[0], "a", Verdict::kFail), verdict(kRuns[3], "a", Verdict::kPass)});
  ASSERT_EQ(h.tracks.size(), 1u);
  EXPECT_EQ(h.tracks[0].ran, 1);
  EXPECT_EQ(h.tracks[0].flips, 0);
}

TEST(RenderMatrixHistory, ALetterPerRunAndSinceWhenTheLatestHolds) {
  const auto h = build_matrix_history(
      "nightly", kRuns,
      {verdict(kRuns[0], "kmod:0009", Verdict::kPass), verdict(kRuns[1], "kmod:0009", Verdict::kPanic),
       verdict(kRuns[3], "kmod:0009", Verdict::kMiss)});
  const std::string text = render_matrix_history_text(h);
  EXPECT_THAT(text, HasSubstr("matrix nightly: 4 runs, 2026-12-01 .. 2026-12-04 (runs r1 .. r4)\n"));
  EXPECT_THAT(text, HasSubstr("kmod:0009 k/host 1cpu 512M 1/3  33%     2     PX.M  MISS since r4 (2026-12-04)\n"));
  const auto j = matrix_history_to_json(h);
  EXPECT_EQ(j["tracks"][0]["verdicts"], nlohmann::json({"PASS", "PANIC", nullptr, "MISS"}));
  EXPECT_EQ(j["tracks"][0]["change_began"], "r4");
  EXPECT_DOUBLE_EQ(j["tracks"][0]["pass_rate"].get<double>(), 1.0 / 3);
}

TEST(RenderMatrixHistory, NamesAndEvidenceFromHistoryAreShownEscaped) {
  const auto h = build_matrix_history("night\x1b[2J", kRuns, {verdict(kRuns[0], "t\nx", Verdict::kPass)});
  const std::string text = render_matrix_history_text(h);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_THAT(text, HasSubstr("t\\x0ax"));
}

TEST(RenderMatrixHistory, NoRunsSaysSo) {
  EXPECT_EQ(render_matrix_history_text(build_matrix_history("nightly", {}, {})),
            "matrix nightly: no recorded runs in the window\n");
}

}  // namespace
}  // namespace kmx
