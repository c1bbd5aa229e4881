// boundary/axis_range: LOW:HIGH[:STEP] as a user (or a careless script)
// writes it, and the grid it makes.
#include "boundary/axis_range.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string error_of(std::string_view text, BoundaryAxis axis = BoundaryAxis::kMemory) {
  std::string error;
  EXPECT_FALSE(parse_axis_range(text, axis, error)) << text;
  return error;
}

TEST(BoundaryAxisRange, ParsesLowHighAndStep) {
  std::string error;
  EXPECT_EQ(parse_axis_range("128:1024:128", BoundaryAxis::kMemory, error), (AxisRange{128, 1024, 128}));
  EXPECT_EQ(parse_axis_range("128:1024", BoundaryAxis::kMemory, error), (AxisRange{128, 1024, 64}));
  EXPECT_EQ(parse_axis_range("1:8", BoundaryAxis::kVcpus, error), (AxisRange{1, 8, 1}));
  EXPECT_EQ(error, "");
}

TEST(BoundaryAxisRange, TheGridEndsAtHighEvenOffTheStep) {
  EXPECT_THAT(grid_of({64, 256, 64}), ElementsAre(64, 128, 192, 256));
  EXPECT_THAT(grid_of({64, 300, 100}), ElementsAre(64, 164, 264, 300));
  EXPECT_THAT(grid_of({2, 2, 1}), ElementsAre(2));
}

TEST(BoundaryAxisRange, EveryErrorSaysWhatIsWrongAndHowToFixIt) {
  EXPECT_THAT(error_of("512"), HasSubstr("--memory '512' is not LOW:HIGH[:STEP]\n  fix: e.g. --memory 128:1024:64"));
  EXPECT_THAT(error_of("1024:512"), HasSubstr("LOW is above HIGH\n  fix: --memory 512:1024"));
  EXPECT_THAT(error_of("128:1024:0"), HasSubstr("STEP must be at least 1"));
  EXPECT_THAT(error_of("32:1024"), HasSubstr("values go from 64 to 16777216 MiB"));
  EXPECT_THAT(error_of("0:4", BoundaryAxis::kVcpus), HasSubstr("--vcpus '0:4': values go from 1 to 1024 vCPUs"));
  EXPECT_THAT(error_of("64:8192:64"), HasSubstr("makes 128 values, more than 64\n  fix: a larger STEP, e.g. "
                                                "--memory 64:8192:130"));
}

TEST(BoundaryAxisRange, TheSuggestedStepFits) {
  std::string error;
  EXPECT_FALSE(parse_axis_range("64:8192:129", BoundaryAxis::kMemory, error));  // the smallest that fits
  EXPECT_TRUE(parse_axis_range("64:8192:130", BoundaryAxis::kMemory, error)) << error;
  EXPECT_LE(grid_of({64, 8192, 130}).size(), kMaxGridPoints);
}

TEST(BoundaryAxisRange, HostileInputIsRefusedNotMisread) {
  const std::string megabyte(1 << 20, '9');
  for (std::string_view text : {"",
                                ":",
                                "::",
                                ":::",
                                "64:",
                                ":128",
                                "64:128:",
                                "64::64",
                                "64:128:64:1",
                                "-64:128",
                                "+64:128",
                                "64:-1",
                                " 64:128",
                                "64:128 ",
                                "64 :128",
                                "0x40:128",
                                "64.0:128",
                                "1e3:2e3",
                                "64:128:64abc",
                                "999999999999:1",
                                "64:2147483647",
                                "64:99999999999999999999",
                                "64\x00:128",
                                "\xff\xfe:\x80"})
    (void)error_of(text);
  (void)error_of(megabyte);
  (void)error_of(megabyte + ":" + megabyte);
  (void)error_of(std::string(100000, ':'));
  // An echoed value stays short however long the input.
  EXPECT_LT(error_of(megabyte).size(), 200u);
}

TEST(BoundaryAxisRange, AStepLargerThanTheRangeProbesBothEnds) {
  std::string error;
  const auto r = parse_axis_range("64:128:1000000", BoundaryAxis::kMemory, error);
  ASSERT_TRUE(r) << error;
  EXPECT_THAT(grid_of(*r), ElementsAre(64, 128));
}

TEST(BoundaryAxisRange, NamesAndUnits) {
  EXPECT_EQ(to_string(BoundaryAxis::kMemory), "memory_mib");
  EXPECT_EQ(to_string(BoundaryAxis::kVcpus), "vcpus");
  EXPECT_EQ(unit_of(BoundaryAxis::kMemory), "MiB");
}

}  // namespace
}  // namespace kmx
