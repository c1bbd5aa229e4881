// verdict/test_details: figures from guest output and module stats.
#include "verdict/test_details.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "os/files.h"
#include "test_paths.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

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
  const auto j = module_stats_json(false, before, after);
  EXPECT_EQ(j["present"], true);
  EXPECT_EQ(j["delta"]["Mods ever loaded"], 6);
  EXPECT_EQ(j["after"]["duplicates"][0]["count"], 7);
}

TEST(ModuleStats, AbsentIsRecordedNotFailed) {
  const auto j = module_stats_json(true, "", "");
  EXPECT_EQ(j["present"], false);
  EXPECT_NE(j["why"].get<std::string>().find("CONFIG_MODULE_STATS"), std::string::npos);
}

// Issue 14: after - before overflowed (undefined) on extreme guest values.
// A difference that does not fit is left out; the others stay.
TEST(ModuleStats, DeltaThatWouldOverflowIsLeftOut) {
  const std::string before = "Mods ever loaded\t-9223372036854775807\nMods failed\t1\n";
  const std::string after = "Mods ever loaded\t9223372036854775807\nMods failed\t3\n";
  const auto j = module_stats_json(false, before, after);
  EXPECT_FALSE(j["delta"].contains("Mods ever loaded"));
  EXPECT_EQ(j["delta"]["Mods failed"], 2);
  EXPECT_EQ(j["after"]["fields"]["Mods ever loaded"], 9223372036854775807LL);
}

}  // namespace
}  // namespace kmx
