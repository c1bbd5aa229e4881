// results/report_writer: FORMAT:FILE requests, and reports written anywhere
// whose links still reach the run's test logs.
#include "reports/report_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "os/files.h"
#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;

TEST(ReportWriter, RequestNamesFormatAndFile) {
  const ReportRequest r = parse_report_request("junit:reports/junit.xml");
  ASSERT_NE(r.format, nullptr);
  EXPECT_EQ(r.file, "reports/junit.xml");
}

TEST(ReportWriter, UnknownFormatOrMissingFileIsAnErrorWithAFix) {
  for (const char* spec : {"xml:out.xml", "junit", "junit:"}) {
    try {
      parse_report_request(spec);
      FAIL() << spec << ": no error";
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("fix: e.g. --report junit:reports/junit.xml")) << spec;
    }
  }
}

// CI publishes reports from their own directory: the HTML's links to test
// logs must lead back into the run directory.
TEST(ReportWriter, HtmlWrittenOutsideTheRunDirectoryLinksBackIntoIt) {
  ScratchDir dir;
  const auto run_dir = dir.path() / "results" / "20261121-230000-12";
  const RunResult run = sample_nightly("20261121-230000-12", "2026-11-21T23:00:00Z");
  ReportWriter(parse_report_request("html:" + (dir.path() / "reports" / "report.html").string()), run_dir)
      .on_finish(run);
  const std::string html = read_file(dir.path() / "reports" / "report.html");
  EXPECT_THAT(html, HasSubstr("href=\"../results/20261121-230000-12/cells/kmod:0001.log\""));
}

TEST(ReportWriter, HtmlInsideTheRunDirectoryLinksRelativeToIt) {
  ScratchDir dir;
  const auto run_dir = dir.path() / "run";
  ReportWriter(parse_report_request("html:" + (run_dir / "report.html").string()), run_dir)
      .on_finish(sample_nightly("20261121-230000-12", "2026-11-21T23:00:00Z"));
  EXPECT_THAT(read_file(run_dir / "report.html"), HasSubstr("href=\"cells/kmod:0001.log\""));
}

// Issue 25: with a damaged history.db every report failed. Only HTML looks
// up the previous run there, and it is written without that section.
TEST(ReportWriter, ADamagedHistoryDbIsNotOpenedForJunitAndCostsHtmlOnlyItsChanges) {
  ScratchDir dir;
  const auto results = dir.path() / "results";
  const auto run_dir = results / "20261121-230000-12";
  write_file_atomically(results / "history.db", std::string(8192, 'x'));
  const RunResult run = sample_nightly("20261121-230000-12", "2026-11-21T23:00:00Z");
  for (const char* format : {"junit", "ktap", "kcidb", "html"}) {
    const auto file = dir.path() / "reports" / format;
    ReportWriter(parse_report_request(std::string(format) + ":" + file.string()), run_dir, results).on_finish(run);
    EXPECT_TRUE(std::filesystem::is_regular_file(file)) << format;
  }
  EXPECT_EQ(read_file(results / "history.db"), std::string(8192, 'x'));
}

}  // namespace
}  // namespace kmx
