// os/capped_json: JSON read back from run files is parsed only when it
// nests no deeper than kmod-matrix writes (issue 25: a 200 KB results.json
// with metrics nested 100,000 deep killed import, report and compare with
// SIGSEGV).
#include "os/capped_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmx {
namespace {

using ::testing::HasSubstr;

std::string nested(int depth, char open = '[', char close = ']') {
  return std::string(static_cast<std::size_t>(depth), open) + std::string(static_cast<std::size_t>(depth), close);
}

TEST(JsonNestingDepth, CountsArraysAndObjectsButNoBracketInAString) {
  EXPECT_EQ(json_nesting_depth(R"({"a": [1, {"b": []}]})", 64), 4);
  EXPECT_EQ(json_nesting_depth(R"({"a": "[[[[{{{{", "b": "\"[[["})", 64), 1);
  EXPECT_EQ(json_nesting_depth("17", 64), 0);
  EXPECT_EQ(json_nesting_depth("]]]][", 64), 1);  // stray closers do not go below zero
}

TEST(JsonNestingDepth, StopsCountingPastTheLimit) { EXPECT_EQ(json_nesting_depth(nested(100000), 64), 65); }

TEST(ParseCappedJson, ParsesWhatKmodMatrixWrites) {
  const auto j = parse_capped_json(R"({"cells": [{"tests": [{"metrics": {"x": [1, 2]}}]}]})", "results.json");
  EXPECT_EQ(j["cells"][0]["tests"][0]["metrics"]["x"][1], 2);
  EXPECT_NO_THROW(parse_capped_json(nested(64), "x"));
}

TEST(ParseCappedJson, RefusesDeepNestingNamingTheFile) {
  for (const std::string& text : {nested(65), nested(100000), "{\"metrics\": " + nested(100000, '{', '}') + "}"}) {
    try {
      parse_capped_json(text, "/r/run/results.json");
      ADD_FAILURE() << "no error";
    } catch (const CappedJsonError& e) {
      EXPECT_THAT(e.what(), HasSubstr("/r/run/results.json nests arrays or objects more than 64 levels deep"));
      EXPECT_THAT(e.what(), HasSubstr("fix:"));
    }
  }
}

TEST(ParseCappedJson, BadJsonIsACappedJsonErrorNotALibraryException) {
  EXPECT_THROW(parse_capped_json("{\"a\": ", "f"), CappedJsonError);
  EXPECT_TRUE(parse_capped_json_or_discard("{\"a\": ").is_discarded());
  EXPECT_TRUE(parse_capped_json_or_discard(nested(100000)).is_discarded());
  EXPECT_TRUE(parse_capped_json_or_discard(R"({"a": 1})").is_object());
}

}  // namespace
}  // namespace kmx

namespace kmx {
namespace {

// Found by fuzz_bisect_state: "runs": 2.07778e+52 read through
// json::value<int> is a float-to-int conversion out of range (undefined).
TEST(JsonInt, OnlyIntegersCountAndTheyAreClampedToInt) {
  const auto j = nlohmann::json::parse(R"({"a": 7, "f": 2.07778e+52, "s": "3", "big": 99999999999, "neg": -99999999999,
                                           "u": 18446744073709551615})");
  EXPECT_EQ(json_int(j, "a", 0), 7);
  EXPECT_EQ(json_int(j, "f", 2), 2);
  EXPECT_EQ(json_int(j, "s", 2), 2);
  EXPECT_EQ(json_int(j, "missing", -1), -1);
  EXPECT_EQ(json_int(j, "big", 0), std::numeric_limits<int>::max());
  EXPECT_EQ(json_int(j, "neg", 0), std::numeric_limits<int>::min());
  EXPECT_EQ(json_int(j, "u", 0), std::numeric_limits<int>::max());
  EXPECT_EQ(json_int(nlohmann::json::array(), "a", 5), 5);
}

}  // namespace
}  // namespace kmx
