// results/test_history: a test's verdicts folded into spans per cell.
#include "results/test_history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;

RecordedVerdict verdict_in(const std::string& run, const std::string& date, const std::string& kernel, Verdict v) {
  return RecordedVerdict{run, date + "T23:00:00Z",  RecordedCellKey{kernel, "kmod-30", 2, 1024},
                         v,   "evidence of " + run, 1};
}

TEST(TestHistory, SameVerdictEveryRunIsOneSpan) {
  const auto h = summarize_test_history("kmod:0009", {verdict_in("n1", "2026-11-20", "debian-6.12", Verdict::kPass),
                                                      verdict_in("n2", "2026-11-21", "debian-6.12", Verdict::kPass)});
  ASSERT_EQ(h.cells.size(), 1u);
  ASSERT_EQ(h.cells[0].spans.size(), 1u);
  EXPECT_EQ(h.cells[0].spans[0].runs, 2);
  EXPECT_EQ(
      render_test_history_text(h),
      "kmod:0009 on debian-6.12/kmod-30 2cpu 1024M: PASS in 2 runs (run n1 (2026-11-20) .. run n2 (2026-11-21))\n");
}

TEST(TestHistory, AChangeSaysUntilAndSince) {
  const auto h = summarize_test_history("kmod:0009", {verdict_in("n1", "2026-11-20", "debian-6.12", Verdict::kPass),
                                                      verdict_in("n2", "2026-11-21", "debian-6.12", Verdict::kPass),
                                                      verdict_in("n3", "2026-11-22", "debian-6.12", Verdict::kFail),
                                                      verdict_in("n4", "2026-11-23", "debian-6.12", Verdict::kFail)});
  ASSERT_EQ(h.cells[0].spans.size(), 2u);
  EXPECT_EQ(h.cells[0].spans[1].first_run, "n3");
  const std::string text = render_test_history_text(h);
  EXPECT_THAT(text, HasSubstr("kmod:0009 on debian-6.12/kmod-30 2cpu 1024M: PASS until run n2 (2026-11-21), FAIL since "
                              "run n3 (2026-11-22)\n"));
  EXPECT_THAT(text, HasSubstr("latest evidence: evidence of n4"));
}

TEST(TestHistory, MiddleSpansHaveFromAndUntil) {
  const auto h = summarize_test_history("kmod:0009", {verdict_in("n1", "2026-11-20", "k", Verdict::kPass),
                                                      verdict_in("n2", "2026-11-21", "k", Verdict::kOom),
                                                      verdict_in("n3", "2026-11-22", "k", Verdict::kPass)});
  EXPECT_THAT(render_test_history_text(h),
              HasSubstr("OOM from run n2 (2026-11-21) until run n2 (2026-11-21), PASS since"));
}

TEST(TestHistory, CellsAreKeptApart) {
  const auto h = summarize_test_history("kmod:0009", {verdict_in("n1", "2026-11-20", "debian-6.1", Verdict::kPass),
                                                      verdict_in("n1", "2026-11-20", "debian-6.12", Verdict::kFail)});
  ASSERT_EQ(h.cells.size(), 2u);
  EXPECT_EQ(h.cells[1].cell.kernel, "debian-6.12");
}

TEST(TestHistory, NothingRecordedSaysSo) {
  EXPECT_EQ(render_test_history_text(summarize_test_history("kmod:0099", {})), "kmod:0099: no recorded verdicts\n");
}

TEST(TestHistory, JsonCarriesSpans) {
  const auto j = test_history_to_json(
      summarize_test_history("kmod:0009", {verdict_in("n1", "2026-11-20", "debian-6.12", Verdict::kPass),
                                           verdict_in("n2", "2026-11-21", "debian-6.12", Verdict::kPanic)}));
  EXPECT_EQ(j["test"], "kmod:0009");
  EXPECT_EQ(j["cells"][0]["kernel"], "debian-6.12");
  EXPECT_EQ(j["cells"][0]["vcpus"], 2);
  EXPECT_EQ(j["cells"][0]["spans"][1]["verdict"], "PANIC");
  EXPECT_EQ(j["cells"][0]["spans"][1]["first_run"], "n2");
}

TEST(TestHistory, QueriesTheStore) {
  ScratchDir dir;
  auto store = HistoryStore::open(dir.path() / "history.db");
  store.record_run(sample_nightly("n1", "2026-11-20T23:00:00Z"));
  RunResult n2 = sample_nightly("n2", "2026-11-21T23:00:00Z");
  n2.cells[1].tests[1].verdict = Verdict::kFail;
  store.record_run(n2);
  const auto h = query_test_history(store, {"kmod:0009", "debian-6.12", "kmod-30"});
  ASSERT_EQ(h.cells.size(), 1u);
  EXPECT_THAT(render_test_history_text(h), HasSubstr("PASS until run n1 (2026-11-20), FAIL since run n2 (2026-11-21)"));
}

}  // namespace
}  // namespace kmx
