// boundary/boundary_search: the ends, the halving, the repeated edges,
// flaky edges widened outwards, ERROR retried once (a fake ProbeRunner).
#include "boundary/boundary_search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "fake_probe_runner.h"

namespace kmx {
namespace {

using kmx::testing::FakeProbeRunner;
using ::testing::ElementsAre;
using ::testing::Pair;

BoundaryPlan memory_plan(int low, int high, int step, std::vector<Verdict> bad = {}, int repeats = 3) {
  return {BoundaryAxis::kMemory, {low, high, step}, std::move(bad), repeats};
}

TEST(BoundarySearch, AMonotonicEdgeIsFoundInLogarithmicallyManyProbes) {
  FakeProbeRunner runner(1280);
  const BoundaryPlan plan = memory_plan(64, 4096, 64);  // 64 values
  const BoundaryResult r = search_boundary(plan, runner);
  EXPECT_EQ(r.status, BoundaryStatus::kFound);
  EXPECT_EQ(r.last_bad, 1216);
  EXPECT_EQ(r.first_good, 1280);
  EXPECT_FALSE(r.flaky);
  EXPECT_THAT(r.bad, ElementsAre(Verdict::kOom));  // LOW's verdict
  // 2 ends + ceil(log2(63)) halvings, then 2 more runs at each edge.
  const std::size_t search_probes = r.probes.size() - 4;
  EXPECT_LE(search_probes, 2 + static_cast<std::size_t>(std::ceil(std::log2(63.0))));
  EXPECT_THAT(runner.calls.front(), Pair(64, 1));
  EXPECT_THAT(runner.calls[1], Pair(4096, 1));
  const ValueTally* bad = r.tally_at(1216);
  const ValueTally* good = r.tally_at(1280);
  ASSERT_TRUE(bad && good);
  EXPECT_EQ(bad->bad, 3);
  EXPECT_EQ(good->good, 3);
}

TEST(BoundarySearch, ProbesAreRecordedInOrderWithTheirRepeatNumbers) {
  FakeProbeRunner runner(192);
  const BoundaryResult r = search_boundary(memory_plan(64, 320, 64), runner);
  ASSERT_EQ(r.status, BoundaryStatus::kFound);
  std::vector<std::pair<int, int>> order;
  for (const auto& p : r.probes) order.emplace_back(p.value, p.repeat);
  // Ends, the halving (192 good, then 128 bad), then each edge to 3 runs.
  EXPECT_THAT(order, ElementsAre(Pair(64, 1), Pair(320, 1), Pair(192, 1), Pair(128, 1), Pair(128, 2), Pair(128, 3),
                                 Pair(192, 2), Pair(192, 3)));
  EXPECT_EQ(r.probes[0].run.run_dir, "probes/memory_mib-64-1");
}

TEST(BoundarySearch, BadAtHighToo_NoBoundaryInRange) {
  FakeProbeRunner runner(10000);
  const BoundaryResult r = search_boundary(memory_plan(64, 1024, 64), runner);
  EXPECT_EQ(r.status, BoundaryStatus::kNoBoundary);
  EXPECT_EQ(r.probes.size(), 2u);  // LOW and HIGH only
  EXPECT_FALSE(r.first_good);
}

TEST(BoundarySearch, WithBadGivenAGoodLowIsTheBoundary) {
  FakeProbeRunner runner(0);
  const BoundaryResult r = search_boundary(memory_plan(256, 1024, 64, {Verdict::kOom, Verdict::kFail}), runner);
  EXPECT_EQ(r.status, BoundaryStatus::kFound);
  EXPECT_FALSE(r.last_bad);
  EXPECT_EQ(r.first_good, 256);
  EXPECT_EQ(r.tally_at(256)->good, 3);  // LOW repeated, HIGH never needed
  EXPECT_EQ(r.tally_at(1024), nullptr);
}

TEST(BoundarySearch, GivenBadVerdictsAllCountAsBad) {
  FakeProbeRunner runner(512, Verdict::kFail);
  runner.answer(64, 1, Verdict::kOom);
  const BoundaryResult r = search_boundary(memory_plan(64, 1024, 64, {Verdict::kOom, Verdict::kFail}), runner);
  EXPECT_EQ(r.status, BoundaryStatus::kFound);
  EXPECT_EQ(r.first_good, 512);
}

TEST(BoundarySearch, AFlakyEdgeIsWidenedUntilEachSideIsConsistent) {
  FakeProbeRunner runner(192);            // 128 bad, 192 good ... but flaky
  runner.answer(192, 2, Verdict::kOom);   // the first good value sometimes OOMs
  runner.answer(128, 3, Verdict::kPass);  // and the last bad one sometimes passes
  const BoundaryResult r = search_boundary(memory_plan(64, 512, 64), runner);
  EXPECT_EQ(r.status, BoundaryStatus::kFound);
  EXPECT_TRUE(r.flaky);
  EXPECT_EQ(r.last_bad, 64);     // widened down from 128
  EXPECT_EQ(r.first_good, 256);  // widened up from 192
  EXPECT_EQ(r.tally_at(128)->bad, 2);
  EXPECT_EQ(r.tally_at(128)->good, 1);
  EXPECT_EQ(r.tally_at(192)->bad, 1);
  EXPECT_EQ(r.tally_at(64)->bad, 3);
  EXPECT_EQ(r.tally_at(256)->good, 3);
}

TEST(BoundarySearch, AFlakyEdgeThatReachesTheRangesEndHasNoConsistentSide) {
  FakeProbeRunner runner(128);
  runner.answer(64, 2, Verdict::kPass);
  const BoundaryResult r = search_boundary(memory_plan(64, 256, 64), runner);
  EXPECT_TRUE(r.flaky);
  EXPECT_FALSE(r.last_bad);  // 64 is mixed and there is nothing below it
  EXPECT_EQ(r.first_good, 128);
}

TEST(BoundarySearch, AnErrorIsRetriedOnceAndTheRetryCounts) {
  FakeProbeRunner runner(192);
  runner.answer(320, 1, Verdict::kError);
  const BoundaryResult r = search_boundary(memory_plan(64, 320, 64), runner);
  EXPECT_EQ(r.status, BoundaryStatus::kFound);
  EXPECT_EQ(r.first_good, 192);
  EXPECT_EQ(r.probes[1].run.verdict, Verdict::kError);
  EXPECT_THAT(runner.calls[2], Pair(320, 2));  // the retry is the value's second run
  EXPECT_EQ(r.tally_at(320)->good, 1);         // ERROR is not counted
}

TEST(BoundarySearch, TwoErrorsInARowStopTheSearchWithWhatIsKnown) {
  FakeProbeRunner runner(192);
  runner.answer(192, 1, Verdict::kError);
  runner.answer(192, 2, Verdict::kError);
  std::vector<std::size_t> seen;
  const BoundaryResult r = search_boundary(memory_plan(64, 320, 64), runner,
                                           [&](const BoundaryResult& so_far) { seen.push_back(so_far.probes.size()); });
  EXPECT_EQ(r.status, BoundaryStatus::kError);
  EXPECT_THAT(r.message, ::testing::HasSubstr("the harness failed twice in a row at 192 MiB: scripted ERROR"));
  EXPECT_EQ(r.probes.size(), 4u);
  EXPECT_THAT(seen, ElementsAre(1, 2, 3, 4, 4));  // after every probe, then at the end
}

TEST(BoundarySearch, ADefaultBadThatErrsAtLowStopsToo) {
  FakeProbeRunner runner(192);
  runner.answer(64, 1, Verdict::kError);
  runner.answer(64, 2, Verdict::kError);
  const BoundaryResult r = search_boundary(memory_plan(64, 320, 64), runner);
  EXPECT_EQ(r.status, BoundaryStatus::kError);
  EXPECT_TRUE(r.bad.empty());  // nothing showed what bad is
}

TEST(BoundarySearch, AnInterruptionStops) {
  FakeProbeRunner runner(192);
  runner.stop_at(3);
  const BoundaryResult r = search_boundary(memory_plan(64, 320, 64), runner);
  EXPECT_EQ(r.status, BoundaryStatus::kStopped);
  EXPECT_EQ(r.probes.size(), 2u);
}

TEST(BoundarySearch, AOneValueRangeIsProbedOnce) {
  FakeProbeRunner runner(100);
  const BoundaryResult r = search_boundary(memory_plan(64, 64, 64), runner);
  EXPECT_EQ(r.status, BoundaryStatus::kNoBoundary);
  EXPECT_EQ(runner.calls.size(), 1u);
}

TEST(BoundarySearch, VcpuErrorsNameTheirUnit) {
  FakeProbeRunner runner(3);
  runner.answer(1, 1, Verdict::kError);
  runner.answer(1, 2, Verdict::kError);
  const BoundaryResult r = search_boundary({BoundaryAxis::kVcpus, {1, 8, 1}, {}, 3}, runner);
  EXPECT_THAT(r.message, ::testing::HasSubstr("at 1 vCPUs"));
}

}  // namespace
}  // namespace kmx
