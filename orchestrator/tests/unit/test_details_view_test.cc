// results/test_details_view: the typed, bounded reading of iterations,
// memory, oom, hang and module-stats waste, including hostile values.
#include "results/test_details_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using nlohmann::json;

TestResult with_details(json details) {
  TestResult t = sample_test("kmod:0009", Verdict::kPass);
  t.details = std::move(details);
  return t;
}

TEST(TestDetailsView, ReadsWhatTheVerdictCodeRecords) {
  const TestResult t = with_details(sample_observations("c"));
  const auto it = iterations_of(t);
  ASSERT_TRUE(it);
  EXPECT_EQ(it->planned, 150);
  EXPECT_EQ(it->passed, 150);
  EXPECT_FALSE(it->failed_at);
  const auto memory = memory_of(t);
  ASSERT_TRUE(memory);
  EXPECT_EQ(memory->interval_ms, 1000);
  ASSERT_EQ(memory->samples.size(), 5u);
  EXPECT_DOUBLE_EQ(memory->samples[2].t, 2.25);
  EXPECT_EQ(memory->samples[2].avail, 401200);
  EXPECT_EQ(memory->samples[3].oom_kills, 1);
  EXPECT_EQ(memory->min_available_kib, 401200);
  EXPECT_EQ(memory->peak_processes, 52);
  const auto kill = oom_of(t);
  ASSERT_TRUE(kill);
  EXPECT_EQ(kill->victim, "kmx-hog");
  EXPECT_EQ(kill->pid, 1234);
  EXPECT_EQ(kill->anon_rss_kib, 800);
  const auto hang = hang_of(t);
  ASSERT_TRUE(hang);
  EXPECT_EQ(hang->dump, "cells/c/tests/kmod-0009.hang.txt");
  EXPECT_THAT(hang->first_blocked, ::testing::HasSubstr("pid 311 (modprobe) D"));
}

TEST(TestDetailsView, AbsentKeysAreAbsent) {
  const TestResult t = sample_test("kmod:0001", Verdict::kPass);
  EXPECT_FALSE(iterations_of(t));
  EXPECT_FALSE(memory_of(t));
  EXPECT_FALSE(oom_of(t));
  EXPECT_FALSE(hang_of(t));
  EXPECT_FALSE(duplicate_load_waste_of(t));
}

TEST(TestDetailsView, WrongTypesReadAsAbsentAndNeverThrow) {
  for (const json& details :
       {json{{"iterations", "x"}, {"memory", 5}, {"oom", json::array()}, {"hang", true}},
        json{{"iterations", {{"planned", "150"}}},
             {"memory", {{"samples", {"a", "b"}}, {"interval_ms", "fast"}}},
             {"oom", {{"victim", 7}, {"pid", "x"}}},
             {"hang", {{"dump", 3}, {"first_blocked", json::object()}}},
             {"module_stats", {{"present", "yes"}, {"delta", {{"Mods failed on load", "many"}}}}}},
        json("not even an object"), json(nullptr)}) {
    const TestResult t = with_details(details);
    EXPECT_NO_THROW({
      EXPECT_FALSE(iterations_of(t));
      EXPECT_FALSE(memory_of(t));
      EXPECT_FALSE(oom_of(t));
      EXPECT_FALSE(hang_of(t));
      EXPECT_FALSE(duplicate_load_waste_of(t));
    }) << details.dump();
  }
}

TEST(TestDetailsView, FailedAtGivesPassedWhenMissingAndValuesStayInBounds) {
  auto it = iterations_of(with_details({{"iterations", {{"planned", 150}, {"failed_at", 1}}}}));
  ASSERT_TRUE(it);
  EXPECT_EQ(it->passed, 0);
  EXPECT_EQ(it->failed_at, 1);
  it = iterations_of(with_details({{"iterations", {{"planned", 20}, {"passed", 1e30}, {"failed_at", 900}}}}));
  ASSERT_TRUE(it);
  EXPECT_EQ(it->failed_at, 20);
  EXPECT_EQ(it->passed, 19);  // 1e30 is no count; failed_at - 1 is
  EXPECT_FALSE(iterations_of(with_details({{"iterations", {{"planned", 0}, {"passed", 0}}}})));
  EXPECT_FALSE(iterations_of(with_details({{"iterations", {{"planned", -3}}}})));
  EXPECT_FALSE(iterations_of(with_details({{"iterations", {{"planned", 18446744073709551615ULL}}}})));
}

TEST(TestDetailsView, MemorySamplesAreCappedSortedAndGiveTheLowPointWhenUnsaid) {
  json samples = json::array();
  for (int i = 5000; i > 0; --i) samples.push_back({{"t", i * 0.5}, {"avail", 1000 + i}, {"procs", i % 7}});
  samples.push_back("garbage");
  const auto memory = memory_of(with_details({{"memory", {{"samples", samples}}}}));
  ASSERT_TRUE(memory);
  ASSERT_EQ(memory->samples.size(), kMaxMemorySamples);
  EXPECT_LT(memory->samples.front().t, memory->samples.back().t);
  EXPECT_EQ(memory->min_available_kib, 1000 + 4001);  // the lowest of the samples kept
  EXPECT_EQ(memory->peak_processes, 6);
}

TEST(TestDetailsView, GuestTextIsBounded) {
  const auto kill = oom_of(with_details({{"oom", {{"victim", std::string(100000, 'v')}, {"pid", 1}}}}));
  ASSERT_TRUE(kill);
  EXPECT_LE(kill->victim.size(), kMaxDetailText + 3);
}

TEST(TestDetailsView, IterationsText) {
  EXPECT_EQ(iterations_text({150, 0, 1}), "0/150 passed, failed at round 1");
  EXPECT_EQ(iterations_text({150, 150, std::nullopt}), "150/150 passed");
}

TEST(TestDetailsView, DuplicateLoadWasteSumsTheFailedLoadCounters) {
  TestResult t = with_details({{"module_stats", sample_module_stats(3)}});
  t.details["module_stats"]["delta"]["Mods failed on becoming"] = 2;
  const auto waste = duplicate_load_waste_of(t);
  ASSERT_TRUE(waste);
  EXPECT_EQ(waste->failed_loads, 5);
  EXPECT_EQ(waste->wasted_bytes, 3 * 53248);
  EXPECT_EQ(waste->by_field.at("Mods failed on load"), 3);
  EXPECT_FALSE(waste->by_field.count("Mods ever loaded"));
  EXPECT_FALSE(duplicate_load_waste_of(with_details({{"module_stats", {{"present", false}, {"why", "no debugfs"}}}})));
}

TEST(TestDetailsView, BoundedObservationKeepsObjectsAndCutsSamples) {
  EXPECT_TRUE(bounded_observation("x", "iterations").is_null());
  EXPECT_TRUE(bounded_observation(json::array(), "hang").is_null());
  json memory = {{"samples", json::array()}};
  for (std::size_t i = 0; i < kMaxMemorySamples + 50; ++i) memory["samples"].push_back({{"t", i}, {"avail", 1}});
  EXPECT_EQ(bounded_observation(memory, "memory")["samples"].size(), kMaxMemorySamples);
  EXPECT_EQ(bounded_observation({{"planned", 3}}, "iterations"), json({{"planned", 3}}));
}

TEST(TestDetailsView, OnlyPlainRelativePathsAreLinkable) {
  EXPECT_EQ(safe_relative_path("cells/c1/tests/kmod-0009.hang.txt"), "cells/c1/tests/kmod-0009.hang.txt");
  EXPECT_EQ(safe_relative_path("cells/./a.txt"), "cells/a.txt");
  for (const char* bad : {"", "/etc/shadow", "../../etc/passwd", "cells/../../x", "javascript:alert(1)",
                          "file:/etc/passwd", "a\nb", "a\\..\\b"})
    EXPECT_EQ(safe_relative_path(bad), "") << bad;
}

}  // namespace
}  // namespace kmx
