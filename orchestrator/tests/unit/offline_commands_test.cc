// cli: compare, history, report and import over run directories written by
// write_results_json from the sample nightlies, in a temporary --results.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "command_line.h"
#include "fakes.h"
#include "os/files.h"
#include "results/history_store.h"
#include "results/results_json.h"
#include "sample_runs.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace kmx::testing;

// Two nights of the sample nightly under <scratch>/results; the second
// fails kmod:0009 on debian-6.12 when `regress`.
class OfflineCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    write_results_json(sample_nightly("n1", "2026-11-20T01:00:00Z"), results() / "n1");
    RunResult n2 = sample_nightly("n2", "2026-11-21T01:00:00Z");
    write_results_json(n2, results() / "n2");
    n2.run_id = "n3";
    n2.started_at = "2026-11-22T01:00:00Z";
    n2.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kFail, "agent: exit status 1");
    write_results_json(n2, results() / "n3");
  }
  fs::path results() const { return dir_.path() / "results"; }
  std::string r() const { return results().string(); }

  // Runs the command line with stdout captured into out_.
  int run(std::vector<std::string> args) {
    ::testing::internal::CaptureStdout();
    int code = -1;
    try {
      code = run_command_line(std::move(args));
    } catch (...) {
      out_ = ::testing::internal::GetCapturedStdout();
      throw;
    }
    out_ = ::testing::internal::GetCapturedStdout();
    return code;
  }
  int import_all() { return run({"import", "n1", "n2", "n3", "--results", r()}); }

  ScratchDir dir_;
  std::string out_;
};

TEST_F(OfflineCommands, CompareOfEqualRunsExitsZero) {
  EXPECT_EQ(run({"compare", "n1", "n2", "--results", r()}), kExitOk);
  EXPECT_THAT(out_, Not(HasSubstr("FAIL")));
}

TEST_F(OfflineCommands, CompareWithARegressionExitsOneAndNamesIt) {
  EXPECT_EQ(run({"compare", "n2", "n3", "--results", r()}), kExitUnexpected);
  EXPECT_THAT(out_, HasSubstr("kmod:0009"));
  EXPECT_THAT(out_, HasSubstr("FAIL"));
}

TEST_F(OfflineCommands, CompareAcceptsRunDirectoriesAndPrintsJson) {
  EXPECT_EQ(run({"compare", (results() / "n2").string(), (results() / "n3").string(), "--json"}), kExitUnexpected);
  const auto j = nlohmann::json::parse(out_);
  EXPECT_EQ(j["old_run"], "n2");
  EXPECT_EQ(j["new_run"], "n3");
  ASSERT_EQ(j["regressions"].size(), 1u);
  EXPECT_EQ(j["regressions"][0]["test"], "kmod:0009");
}

TEST_F(OfflineCommands, CompareOfAnUnknownRunSaysWhereItLooked) {
  try {
    run({"compare", "n1", "nope", "--results", r()});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {  // main maps it to exit 2
    EXPECT_THAT(e.what(), HasSubstr("no run 'nope'"));
    EXPECT_THAT(e.what(), HasSubstr((results() / "nope" / "results.json").string()));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

TEST_F(OfflineCommands, CompareNeedsTwoRunsOrPrevious) {
  EXPECT_EQ(run({"compare", "n1", "--results", r()}), kExitBadInput);
  EXPECT_EQ(run({"compare", "n1", "n2", "--previous", "n3", "--results", r()}), kExitBadInput);
}

TEST_F(OfflineCommands, ComparePreviousFindsTheEarlierRunInHistory) {
  ASSERT_EQ(import_all(), kExitOk);
  EXPECT_EQ(run({"compare", "--previous", "n3", "--results", r()}), kExitUnexpected);
  EXPECT_THAT(out_, HasSubstr("kmod:0009"));
  EXPECT_EQ(run({"compare", "--previous", "n2", "--results", r(), "--json"}), kExitOk);
  EXPECT_EQ(nlohmann::json::parse(out_)["old_run"], "n1");
}

TEST_F(OfflineCommands, ComparePreviousOfTheFirstRunHasNothingToCompare) {
  ASSERT_EQ(import_all(), kExitOk);
  EXPECT_EQ(run({"compare", "--previous", "n1", "--results", r()}), kExitOk);
  EXPECT_THAT(out_, HasSubstr("nothing to compare"));
}

TEST_F(OfflineCommands, ComparePreviousWithoutHistoryOrUnrecordedRunIsBadInput) {
  EXPECT_EQ(run({"compare", "--previous", "n3", "--results", r()}), kExitBadInput);
  ASSERT_EQ(run({"import", "n1", "--results", r()}), kExitOk);
  EXPECT_EQ(run({"compare", "--previous", "n3", "--results", r()}), kExitBadInput);
}

TEST_F(OfflineCommands, ImportRecordsEveryRunAndIsIdempotent) {
  ASSERT_EQ(import_all(), kExitOk);
  EXPECT_THAT(out_, HasSubstr("imported n3 (nightly, 2 cells)"));
  ASSERT_EQ(import_all(), kExitOk);
  const auto store = HistoryStore::open(results() / "history.db");
  EXPECT_EQ(store.runs_of_matrix("nightly").size(), 3u);
  EXPECT_EQ(store.verdict_timeline({"kmod:0009", "", ""}).size(), 6u);
}

TEST_F(OfflineCommands, ImportOfAMissingRunImportsNothing) {
  EXPECT_THROW(run({"import", "n1", "missing", "--results", r()}), std::runtime_error);
  EXPECT_FALSE(fs::exists(results() / "history.db"));
}

TEST_F(OfflineCommands, HistoryShowsWhenATestStartedFailing) {
  ASSERT_EQ(import_all(), kExitOk);
  EXPECT_EQ(run({"history", "kmod:0009", "--kernel", "debian-6.12", "--results", r()}), kExitOk);
  EXPECT_THAT(out_, HasSubstr("PASS until run n2"));
  EXPECT_THAT(out_, HasSubstr("FAIL since run n3"));
  EXPECT_THAT(out_, Not(HasSubstr("debian-6.1/")));
}

// results.json -> import -> history.db -> history: the rounds survive each step.
TEST_F(OfflineCommands, HistoryShowsTheRoundsAndMemoryLowPointOfEveryNight) {
  ASSERT_EQ(import_all(), kExitOk);
  EXPECT_EQ(run({"history", "kmod:0009", "--kernel", "debian-6.1", "--results", r()}), kExitOk);
  EXPECT_THAT(out_, HasSubstr("    rounds: none failed in 3 runs; 450/450 rounds passed (100.0%)\n"
                              "    failed_at/planned per run: n1 -/150, n2 -/150, n3 -/150\n"
                              "    lowest MemAvailable: 401200 KiB in run n1\n"));
}

TEST_F(OfflineCommands, HistoryAsJson) {
  ASSERT_EQ(import_all(), kExitOk);
  EXPECT_EQ(run({"history", "kmod:0001", "--kmod", "kmod-30", "--json", "--results", r()}), kExitOk);
  const auto j = nlohmann::json::parse(out_);
  EXPECT_EQ(j["test"], "kmod:0001");
  EXPECT_EQ(j["cells"].size(), 2u);
}

TEST_F(OfflineCommands, HistoryWithoutDatabaseOrOfAnUnknownTestIsBadInput) {
  EXPECT_EQ(run({"history", "kmod:0009", "--results", r()}), kExitBadInput);
  ASSERT_EQ(import_all(), kExitOk);
  EXPECT_EQ(run({"history", "kmod:9999", "--results", r()}), kExitBadInput);
}

TEST_F(OfflineCommands, ReportWritesEachFormatIntoTheRunDirectoryByDefault) {
  for (const char* format : {"junit", "ktap", "kcidb", "html"}) {
    EXPECT_EQ(run({"report", "n3", "--format", format, "--results", r()}), kExitOk) << format;
    const fs::path file = out_.substr(0, out_.find('\n'));
    EXPECT_EQ(file.parent_path(), results() / "n3") << format;
    EXPECT_TRUE(fs::exists(file)) << format;
  }
}

TEST_F(OfflineCommands, ReportToAFileWithChangesSincePreviousRun) {
  ASSERT_EQ(import_all(), kExitOk);
  const fs::path out = dir_.path() / "reports" / "nightly.html";
  EXPECT_EQ(run({"report", "n3", "--format", "html", "-o", out.string(), "--results", r()}), kExitOk);
  const std::string html = read_file(out);
  EXPECT_THAT(html, HasSubstr("n2"));  // the previous run the changes are against
  EXPECT_THAT(html, HasSubstr("kmod:0009"));
}

TEST_F(OfflineCommands, ReportOfAnUnknownFormatListsTheFormats) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run({"report", "n3", "--format", "pdf", "--results", r()}), kExitBadInput);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("junit, ktap, kcidb, html"));
}

}  // namespace
}  // namespace kmx
