// results/report_formats: one lookup from a format name to its renderer.
#include "reports/report_formats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::StartsWith;

TEST(ReportFormats, EveryFormatIsFoundByNameAndRenders) {
  const RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  const std::pair<const char*, const char*> firsts[] = {
      {"junit", "<?xml"}, {"ktap", "KTAP version 1\n"}, {"kcidb", "{\n"}, {"html", "<!DOCTYPE html>"}};
  for (const auto& [name, start] : firsts) {
    const ReportFormat* format = find_report_format(name);
    ASSERT_NE(format, nullptr) << name;
    EXPECT_EQ(format->name, name);
    EXPECT_FALSE(format->file_name.empty());
    EXPECT_FALSE(format->description.empty());
    EXPECT_THAT(format->render(run, {}), StartsWith(start)) << name;
  }
}

TEST(ReportFormats, UnknownNameIsNullAndTheNamesSayWhatWorks) {
  EXPECT_EQ(find_report_format("xml"), nullptr);
  EXPECT_EQ(find_report_format("JUNIT"), nullptr);
  EXPECT_EQ(report_format_names(), "junit, ktap, kcidb, html");
}

}  // namespace
}  // namespace kmx
