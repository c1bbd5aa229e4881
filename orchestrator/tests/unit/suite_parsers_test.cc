// The parsers inside the guest suites (images/suites/common.sh), run by
// bash on recorded tool output. Integration: real bash, no VM.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "os/process_runner.h"
#include "test_paths.h"

namespace kmx {
namespace {

using ::testing::HasSubstr;

const std::string kCommon = std::string(KMX_TESTDATA) + "/../../../images/suites/common.sh";
const std::string kTools = std::string(KMX_TESTDATA) + "/tools/";

// Runs `snippet` after sourcing common.sh, with the sample on stdin.
ProcessResult helper(const std::string& snippet, const std::string& sample) {
  BoostProcessRunner runner;
  return runner.run({"bash", "-c", "source \"$0\"; " + snippet + " < \"$1\"", kCommon, kTools + sample});
}

TEST(IntegrationSuiteParsers, ModinfoFieldReadsImportNs) {
  ProcessResult r = helper("modinfo_field import_ns", "modinfo-importer-6.1.txt");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "KMX_TEST_NS\n");
}

TEST(IntegrationSuiteParsers, ModinfoFieldOfAnAbsentFieldIsEmpty) {
  ProcessResult r = helper("modinfo_field weakdep", "modinfo-importer-6.1.txt");
  EXPECT_EQ(r.output, "");
}

TEST(IntegrationSuiteParsers, DepEdgeFindsTheImporterToExporterEdgeOnly) {
  EXPECT_EQ(helper("dep_edge kmx_ns_importer kmx_ns_exporter", "modules-dep-6.1.txt").exit_code, 0);
  EXPECT_NE(helper("dep_edge kmx_ns_exporter kmx_ns_importer", "modules-dep-6.1.txt").exit_code, 0);
  EXPECT_NE(helper("dep_edge xfs kmx_ns_exporter", "modules-dep-6.1.txt").exit_code, 0);
}

TEST(IntegrationSuiteParsers, DepmodUnknownSymbolsAreFound) {
  // Recorded: depmod -e -F against Debian's stub System.map, which is why
  // ns:depmod uses Module.symvers instead.
  ProcessResult r = helper("depmod_unknown_symbols", "depmod-stub-systemmap-6.1.txt");
  EXPECT_THAT(r.output, HasSubstr("needs unknown symbol x86_match_cpu"));
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 3);
}

TEST(IntegrationSuiteParsers, CleanDepmodOutputHasNoUnknownSymbols) {
  ProcessResult r = helper("depmod_unknown_symbols", "depmod-clean.txt");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, "");
}

TEST(IntegrationSuiteParsers, VersionCompareHandlesDebianAndKmodVersions) {
  BoostProcessRunner runner;
  auto ge = [&](const std::string& a, const std::string& b) {
    return runner.run({"bash", "-c", "source \"$0\"; version_ge \"$1\" \"$2\"", kCommon, a, b}).exit_code == 0;
  };
  EXPECT_TRUE(ge("6.12.95", "6.11"));
  EXPECT_FALSE(ge("6.1.0", "6.11"));
  EXPECT_TRUE(ge("34.2", "33"));
  EXPECT_FALSE(ge("30", "33"));
  EXPECT_TRUE(ge("7.2.13", "6.5"));
}

}  // namespace
}  // namespace kmx
