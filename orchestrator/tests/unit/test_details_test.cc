// verdict/test_details: figures from guest output and module stats, and the
// one JSON writer and reader of a test's details, including hostile values.
#include "verdict/test_details.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "os/files.h"
#include "sample_runs.h"
#include "test_paths.h"

namespace kmx {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::Pair;
using namespace kmx::testing;

TEST(Metrics, ParsesNameValueLines) {
  auto m =
      parse_metrics({"noise", "KMX-METRIC finit_ok=1", "KMX-METRIC finit_errno_EEXIST=7", "KMX-METRIC ratio=0.25"});
  EXPECT_THAT(m, ElementsAre(Pair("finit_errno_EEXIST", 7.0), Pair("finit_ok", 1.0), Pair("ratio", 0.25)));
}

TEST(Metrics, IgnoresMalformedAndHostileLines) {
  auto m = parse_metrics({"KMX-METRIC =3", "KMX-METRIC a b=3", "KMX-METRIC x=NaN", "KMX-METRIC y=1e999",
                          "KMX-METRIC ../etc=1", " KMX-METRIC z=1", "KMX-METRIC " + std::string(300, 'a') + "=1"});
  EXPECT_TRUE(m.empty());
}

TEST(Metrics, KeepsAtMostTheLimitOfNames) {
  std::vector<std::string> lines;
  for (int i = 0; i < 500; ++i) lines.push_back("KMX-METRIC m" + std::to_string(i) + "=" + std::to_string(i));
  EXPECT_EQ(parse_metrics(lines).size(), kMaxMetrics);
}

TEST(ModuleStats, ParsesFieldsAndTheDuplicateTable) {
  const ModuleStats s = parse_module_stats(read_file(std::string(KMX_TESTDATA) + "/modstats/after-dups.txt"));
  EXPECT_EQ(s.fields.at("Mods ever loaded"), 66);
  EXPECT_EQ(s.fields.at("Mods failed on load"), 1);
  EXPECT_EQ(s.fields.at("Virtual mem wasted bytes"), 53248);
  EXPECT_EQ(s.fields.count("Module-name"), 0u);
  ASSERT_EQ(s.duplicates.size(), 1u);
  EXPECT_EQ(s.duplicates[0].module, "kmx_dup_target");
  EXPECT_EQ(s.duplicates[0].count, 7);
  EXPECT_EQ(s.duplicates[0].reason, "Load");
}

TEST(ModuleStats, GarbageYieldsNothingAndDoesNotThrow) {
  const ModuleStats s = parse_module_stats("\x01\x02 not stats\nlabel only\n 99999999999999999999999\n");
  EXPECT_TRUE(s.fields.empty());
  EXPECT_TRUE(s.duplicates.empty());
}

TEST(ModuleStats, JsonHasBeforeAfterAndDelta) {
  const std::string after = read_file(std::string(KMX_TESTDATA) + "/modstats/after-dups.txt");
  std::string before = after;
  before.replace(before.find("\t66"), 3, "\t60");
  const auto j = test_details_json({.module_stats = module_stats_record(false, before, after)})["module_stats"];
  EXPECT_EQ(j["present"], true);
  EXPECT_EQ(j["delta"]["Mods ever loaded"], 6);
  EXPECT_EQ(j["after"]["duplicates"][0]["count"], 7);
}

TEST(ModuleStats, AbsentIsRecordedNotFailed) {
  const auto j = test_details_json({.module_stats = module_stats_record(true, "", "")})["module_stats"];
  EXPECT_EQ(j["present"], false);
  EXPECT_NE(j["why"].get<std::string>().find("CONFIG_MODULE_STATS"), std::string::npos);
}

// Issue 14: after - before overflowed (undefined) on extreme guest values.
// A difference that does not fit is left out; the others stay.
TEST(ModuleStats, DeltaThatWouldOverflowIsLeftOut) {
  const std::string before = "Mods ever loaded\t-9223372036854775807\nMods failed\t1\n";
  const std::string after = "Mods ever loaded\t9223372036854775807\nMods failed\t3\n";
  const auto j = test_details_json({.module_stats = module_stats_record(false, before, after)})["module_stats"];
  EXPECT_FALSE(j["delta"].contains("Mods ever loaded"));
  EXPECT_EQ(j["delta"]["Mods failed"], 2);
  EXPECT_EQ(j["after"]["fields"]["Mods ever loaded"], 9223372036854775807LL);
}

TEST(TestDetailsJson, ReadsBackWhatItWrites) {
  const TestDetails d = read_test_details(sample_observations("c"));
  ASSERT_TRUE(d.iterations);
  EXPECT_EQ(d.iterations->planned, 150);
  EXPECT_EQ(d.iterations->passed, 150);
  EXPECT_FALSE(d.iterations->failed_at);
  ASSERT_TRUE(d.memory);
  EXPECT_EQ(d.memory->interval_ms, 1000);
  ASSERT_EQ(d.memory->samples.size(), 5u);
  EXPECT_DOUBLE_EQ(d.memory->samples[2].t, 2.25);
  EXPECT_EQ(d.memory->samples[2].avail, 401200);
  EXPECT_EQ(d.memory->samples[3].oom_kills, 1);
  EXPECT_EQ(d.memory->min_available_kib, 401200);
  EXPECT_EQ(d.memory->peak_processes, 52);
  ASSERT_TRUE(d.oom);
  EXPECT_EQ(d.oom->victim, "kmx-hog");
  EXPECT_EQ(d.oom->pid, 1234);
  EXPECT_EQ(d.oom->anon_rss_kib, 800);
  ASSERT_TRUE(d.hang);
  EXPECT_EQ(d.hang->dump, "cells/c/tests/kmod-0009.hang.txt");
  EXPECT_THAT(d.hang->first_blocked, ::testing::HasSubstr("pid 311 (modprobe) D"));
  // The round trip: what the reader kept is what the writer writes again.
  EXPECT_EQ(read_test_details(test_details_json(d)).memory->samples.size(), 5u);
  EXPECT_EQ(test_details_json(read_test_details(test_details_json(d))), test_details_json(d));
}

TEST(TestDetailsJson, AResultsJsonEntryAlwaysHasMetricsAndModuleStats) {
  json entry = {{"id", "kmod:0001"}};
  write_test_details({}, entry);
  EXPECT_EQ(entry, json({{"id", "kmod:0001"}, {"metrics", json::object()}, {"module_stats", json::object()}}));
  write_test_details({.metrics = {{"loads", 4}, {"load_ms", 12.5}}}, entry);
  EXPECT_EQ(entry["metrics"], json({{"loads", 4}, {"load_ms", 12.5}}));
  EXPECT_TRUE(entry["metrics"]["loads"].is_number_integer());  // counts stay integers
}

TEST(TestDetailsJson, AbsentKeysAreAbsent) {
  const TestDetails d = read_test_details(json::object());
  EXPECT_TRUE(d.metrics.empty());
  EXPECT_FALSE(d.module_stats || d.iterations || d.memory || d.oom || d.hang);
  EXPECT_FALSE(duplicate_load_waste(d));
  EXPECT_EQ(test_details_json(d), json::object());
}

TEST(TestDetailsJson, WrongTypesReadAsAbsentAndNeverThrow) {
  for (const json& details :
       {json{{"iterations", "x"}, {"memory", 5}, {"oom", json::array()}, {"hang", true}, {"metrics", "m"}},
        json{{"iterations", {{"planned", "150"}}},
             {"memory", {{"samples", {"a", "b"}}, {"interval_ms", "fast"}}},
             {"oom", {{"victim", 7}, {"pid", "x"}}},
             {"hang", {{"dump", 3}, {"first_blocked", json::object()}}},
             {"metrics", {{"x", "1"}, {"", 2}}},
             {"module_stats", {{"present", "yes"}, {"delta", {{"Mods failed on load", "many"}}}}}},
        json("not even an object"), json(nullptr)}) {
    EXPECT_NO_THROW({
      const TestDetails d = read_test_details(details);
      EXPECT_TRUE(d.metrics.empty());
      EXPECT_FALSE(d.module_stats || d.iterations || d.memory || d.oom || d.hang);
      EXPECT_FALSE(duplicate_load_waste(d));
    }) << details.dump();
  }
}

TEST(TestDetailsJson, FailedAtGivesPassedWhenMissingAndValuesStayInBounds) {
  auto it = read_test_details({{"iterations", {{"planned", 150}, {"failed_at", 1}}}}).iterations;
  ASSERT_TRUE(it);
  EXPECT_EQ(it->passed, 0);
  EXPECT_EQ(it->failed_at, 1);
  it = read_test_details({{"iterations", {{"planned", 20}, {"passed", 1e30}, {"failed_at", 900}}}}).iterations;
  ASSERT_TRUE(it);
  EXPECT_EQ(it->failed_at, 20);
  EXPECT_EQ(it->passed, 19);  // 1e30 is no count; failed_at - 1 is
  EXPECT_FALSE(read_test_details({{"iterations", {{"planned", 0}, {"passed", 0}}}}).iterations);
  EXPECT_FALSE(read_test_details({{"iterations", {{"planned", -3}}}}).iterations);
  EXPECT_FALSE(read_test_details({{"iterations", {{"planned", 18446744073709551615ULL}}}}).iterations);
}

TEST(TestDetailsJson, MemorySamplesAreCappedSortedAndGiveTheLowPointWhenUnsaid) {
  json samples = json::array();
  for (int i = 5000; i > 0; --i) samples.push_back({{"t", i * 0.5}, {"avail", 1000 + i}, {"procs", i % 7}});
  samples.push_back("garbage");
  const auto memory = read_test_details({{"memory", {{"samples", samples}}}}).memory;
  ASSERT_TRUE(memory);
  ASSERT_EQ(memory->samples.size(), kMaxMemorySamples);
  EXPECT_LT(memory->samples.front().t, memory->samples.back().t);
  EXPECT_EQ(memory->min_available_kib, 1000 + 4001);  // the lowest of the samples kept
  EXPECT_EQ(memory->peak_processes, 6);
}

TEST(TestDetailsJson, GuestTextAndMapsAreBounded) {
  const auto kill = read_test_details({{"oom", {{"victim", std::string(100000, 'v')}, {"pid", 1}}}}).oom;
  ASSERT_TRUE(kill);
  EXPECT_LE(kill->victim.size(), kMaxDetailText + 3);
  json metrics = json::object();
  for (int i = 0; i < 5000; ++i) metrics["m" + std::to_string(i)] = i;
  metrics[std::string(100, 'n')] = 1;
  EXPECT_EQ(read_test_details({{"metrics", metrics}}).metrics.size(), kMaxMetrics);
}

TEST(TestDetailsJson, IterationsText) {
  EXPECT_EQ(iterations_text({150, 0, 1}), "0/150 passed, failed at round 1");
  EXPECT_EQ(iterations_text({150, 150, std::nullopt}), "150/150 passed");
}

TEST(TestDetailsJson, DuplicateLoadWasteSumsTheFailedLoadCounters) {
  json stats = sample_module_stats(3);
  stats["delta"]["Mods failed on becoming"] = 2;
  const auto waste = duplicate_load_waste(read_test_details({{"module_stats", stats}}));
  ASSERT_TRUE(waste);
  EXPECT_EQ(waste->failed_loads, 5);
  EXPECT_EQ(waste->wasted_bytes, 3 * 53248);
  EXPECT_EQ(waste->by_field.at("Mods failed on load"), 3);
  EXPECT_FALSE(waste->by_field.count("Mods ever loaded"));
  EXPECT_FALSE(
      duplicate_load_waste(read_test_details({{"module_stats", {{"present", false}, {"why", "no debugfs"}}}})));
}

}  // namespace
}  // namespace kmx
