// cli: compare, history, report and import over run directories written by
// write_results_json from the sample nightlies, in a temporary --results.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "command_line.h"
#include "fakes.h"
#include "os/files.h"
#include "sample_runs.h"
#include "store/history_store.h"
#include "store/results_json.h"

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
  fs::create_directories(out.parent_path());
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

// Issue 29: a CI workspace carries only history.db from one night to the
// next, so compare --previous met no previous run directory and exited 2.
TEST_F(OfflineCommands, RunsWhoseDirectoriesAreGoneAreReadFromHistory) {
  ASSERT_EQ(import_all(), kExitOk);
  fs::remove_all(results() / "n1");
  fs::remove_all(results() / "n2");
  EXPECT_EQ(run({"compare", "--previous", "n3", "--results", r(), "--json"}), kExitUnexpected);
  const auto j = nlohmann::json::parse(out_);
  EXPECT_EQ(j["old_run"], "n2");
  ASSERT_EQ(j["regressions"].size(), 1u);
  EXPECT_EQ(j["regressions"][0]["old"]["evidence"], "agent: exit status 0");
  EXPECT_EQ(j["regressions"][0]["old"]["log"], "cells/kmod:0009.log");  // no directory to join it to
  EXPECT_EQ(j["regressions"][0]["new"]["log"], (results() / "n3" / "cells/kmod:0009.log").string());
  EXPECT_EQ(run({"compare", "n1", "n2", "--results", r()}), kExitOk);  // both from history.db
  EXPECT_THAT(out_, HasSubstr("compare n1 -> n2\n"));
  // The HTML report's changes come from history.db too.
  EXPECT_EQ(run({"report", "n3", "--format", "html", "-o", "-", "--results", r()}), kExitOk);
  EXPECT_THAT(out_, HasSubstr("Changes since n2"));
  EXPECT_THAT(out_, HasSubstr("regression: kmod:0009"));
}

// Issue 29: after import, every command that takes a run id works with it,
// wherever the run's directory was.
TEST_F(OfflineCommands, AnImportedRunIsFoundByItsIdWhereverItsDirectoryIs) {
  RunResult elsewhere = sample_nightly("n4", "2026-11-23T01:00:00Z");
  write_results_json(elsewhere, dir_.path() / "elsewhere" / "n4");
  ASSERT_EQ(import_all(), kExitOk);
  ASSERT_EQ(run({"import", (dir_.path() / "elsewhere" / "n4").string(), "--results", r()}), kExitOk);
  EXPECT_EQ(run({"compare", "n3", "n4", "--results", r()}), kExitOk);
  EXPECT_EQ(run({"compare", "--previous", "n4", "--results", r()}), kExitOk);
  EXPECT_THAT(out_, HasSubstr("compare n3 -> n4"));
  const fs::path out = dir_.path() / "n4.xml";
  EXPECT_EQ(run({"report", "n4", "--format", "junit", "-o", out.string(), "--results", r()}), kExitOk);
  EXPECT_TRUE(fs::is_regular_file(out));
  // Without -o a run read from history.db has no directory to write into.
  EXPECT_EQ(run({"report", "n4", "--format", "junit", "--results", r()}), kExitBadInput);
}

TEST_F(OfflineCommands, ReportToStdoutAndNeverIntoADirectoryThatIsNotThere) {
  EXPECT_EQ(run({"report", "n3", "--format", "ktap", "-o", "-", "--results", r()}), kExitOk);
  EXPECT_TRUE(out_.starts_with("KTAP version 1\n")) << out_;
  ::testing::internal::CaptureStderr();
  const fs::path out = dir_.path() / "missing" / "report.xml";
  EXPECT_EQ(run({"report", "n3", "--format", "junit", "-o", out.string(), "--results", r()}), kExitBadInput);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("fix: mkdir -p " + out.parent_path().string()));
  EXPECT_FALSE(fs::exists(out.parent_path()));
  // --format takes a list, as run --report and merge --report do.
  EXPECT_EQ(run({"report", "n3", "--format", "junit,ktap", "--results", r()}), kExitOk);
  EXPECT_TRUE(fs::is_regular_file(results() / "n3" / "junit.xml"));
  EXPECT_TRUE(fs::is_regular_file(results() / "n3" / "results.ktap"));
}

TEST_F(OfflineCommands, CompareSaysInWordsWhatItTakes) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run({"compare", "n1", "n2", "n3", "--results", r()}), kExitBadInput);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(),
              HasSubstr("compare takes two runs, OLD then NEW, or --previous RUN; 3 were given"));
}

// Issue 29: a night that lost cells and a test, of another matrix, exited 0.
TEST_F(OfflineCommands, CompareOfARunThatLostCellsAndTestsExitsOne) {
  RunResult smaller = sample_nightly("n4", "2026-11-23T01:00:00Z");
  smaller.matrix_name = "nightly-small";
  smaller.cells.pop_back();
  smaller.cells[0].tests.pop_back();
  write_results_json(smaller, results() / "n4");
  EXPECT_EQ(run({"compare", "n3", "n4", "--results", r()}), kExitUnexpected);
  EXPECT_THAT(out_, HasSubstr("the runs ran different matrices (matrix nightly -> nightly-small)"));
  EXPECT_THAT(out_, HasSubstr("  cell debian-6.12.kmod-30.2cpu.1024M (2 tests: kmod:0001, kmod:0009)\n"));
  EXPECT_THAT(out_, HasSubstr("  kmod:0009 on debian-6.1.kmod-30.1cpu.512M: PASS -> -\n"));
}

// Issue 29: a view across nights, without naming a test.
TEST_F(OfflineCommands, HistoryWithoutATestShowsTheWholeMatrixOverAWindow) {
  ASSERT_EQ(import_all(), kExitOk);
  EXPECT_EQ(run({"history", "--results", r()}), kExitOk);
  EXPECT_THAT(out_, HasSubstr("matrix nightly: 3 runs, 2026-11-20 .. 2026-11-22 (runs n1 .. n3)\n"));
  EXPECT_THAT(out_, HasSubstr("kmod:0009 debian-6.12/kmod-30 2cpu 1024M 2/3  67%     1     PPF  FAIL since n3 "
                              "(2026-11-22)\n"));
  EXPECT_THAT(out_, HasSubstr("kmod:0001 debian-6.1/kmod-30 1cpu 512M   3/3 100%     0     PPP\n"));
  EXPECT_EQ(run({"history", "--last", "2", "--results", r(), "--json"}), kExitOk);
  const auto j = nlohmann::json::parse(out_);
  EXPECT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(run({"history", "--since", "2026-11-22", "--results", r()}), kExitOk);
  EXPECT_THAT(out_, HasSubstr("matrix nightly: 1 run,"));
  EXPECT_EQ(run({"history", "kmod:0009", "--kernel", "debian-6.12", "--last", "2", "--results", r()}), kExitOk);
  EXPECT_THAT(out_, HasSubstr("PASS until run n2 (2026-11-21), FAIL since run n3 (2026-11-22)\n"));
  EXPECT_THAT(out_,
              HasSubstr("    pass rate 1/2 (50.0%), 1 flip; failure rate 1/2 failed (50.0%, 95% CI 9.5-90.5%)\n"));
}

TEST_F(OfflineCommands, HistoryHintsFitTheMistake) {
  ASSERT_EQ(import_all(), kExitOk);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run({"history", "kmod:0009", "--kernel", "nope", "--results", r()}), kExitBadInput);
  EXPECT_EQ(run({"history", "kmod:9999", "--results", r()}), kExitBadInput);
  EXPECT_EQ(run({"history", "--matrix", "nope", "--results", r()}), kExitBadInput);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("no kernel is named 'nope'\n  fix: --kernel one of debian-6.1, debian-6.12\n"));
  EXPECT_THAT(err, HasSubstr("history.db has no test of that id\n  fix: one of kmod:0001, kmod:0009\n"));
  EXPECT_THAT(err, HasSubstr("no run of matrix 'nope'"));
}

}  // namespace
}  // namespace kmx
