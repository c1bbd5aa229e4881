// results/report_writer, results/history_writer, cli/exit_status and
// cli/host_facts: what `run` adds around run_matrix.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/context.h"
#include "cli/exit_codes.h"
#include "cli/exit_status.h"
#include "cli/host_facts.h"
#include "fakes.h"
#include "os/files.h"
#include "reports/report_writer.h"
#include "sample_runs.h"
#include "store/history_writer.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using namespace kmx::testing;

RunResult nightly() { return sample_nightly("n1", "2026-11-20T01:00:00Z"); }

void make_unexpected(TestResult& t, Verdict v) {
  t.verdict = v;
  t.as_expected = false;
}

TEST(RunExitStatus, ZeroWhenEveryVerdictIsAsExpected) { EXPECT_EQ(run_exit_status(nightly(), false), kExitOk); }

TEST(RunExitStatus, OneWhenATestVerdictIsUnexpected) {
  RunResult run = nightly();
  make_unexpected(run.cells[0].tests[0], Verdict::kFail);
  EXPECT_EQ(run_exit_status(run, false), kExitUnexpected);
}

TEST(RunExitStatus, ThreeWhenTheOnlyUnexpectedVerdictsAreErrors) {
  RunResult run = nightly();
  make_unexpected(run.cells[0].tests[0], Verdict::kError);
  make_unexpected(run.cells[1].tests[1], Verdict::kError);
  EXPECT_EQ(run_exit_status(run, false), kExitInfrastructure);
}

TEST(RunExitStatus, OneWhenErrorsAndARealFailureMix) {
  RunResult run = nightly();
  make_unexpected(run.cells[0].tests[0], Verdict::kError);
  make_unexpected(run.cells[1].tests[1], Verdict::kOom);
  EXPECT_EQ(run_exit_status(run, false), kExitUnexpected);
}

TEST(RunExitStatus, ExpectedErrorsAndFailuresDoNotCount) {
  RunResult run = nightly();
  run.cells[0].tests[0].verdict = Verdict::kError;
  run.cells[1].tests[0].verdict = Verdict::kFail;
  EXPECT_EQ(run_exit_status(run, false), kExitOk);
}

// Issue 14: a full disk ended the process; the run now stops with what it
// has, and that is the infrastructure's failure, not an interruption.
TEST(RunExitStatus, ThreeWhenResultsCouldNotBeWrittenEvenThoughTheRunStopped) {
  RunResult run = nightly();
  run.recording_failure = "cannot write results.json: No space left on device";
  EXPECT_EQ(run_exit_status(run, true), kExitInfrastructure);
  make_unexpected(run.cells[0].tests[0], Verdict::kFail);
  EXPECT_EQ(run_exit_status(run, false), kExitInfrastructure);
}

TEST(RunExitStatus, InterruptedWins) {
  RunResult run = nightly();
  make_unexpected(run.cells[0].tests[0], Verdict::kFail);
  EXPECT_EQ(run_exit_status(run, true), kExitInterrupted);
}

TEST(ExitCodes, HelpListsEveryStatus) {
  for (const char* code : {"  0 ", "  1 ", "  2 ", "  3 ", "  130 "}) EXPECT_THAT(kExitCodesHelp, HasSubstr(code));
}

TEST(ReportRequest, ParsesFormatAndFile) {
  const ReportRequest r = parse_report_request("junit:reports/junit.xml");
  ASSERT_NE(r.format, nullptr);
  EXPECT_EQ(r.format->name, "junit");
  EXPECT_EQ(r.file, fs::path("reports/junit.xml"));
}

TEST(ReportRequest, UnknownFormatOrNoFileListsTheFormats) {
  for (const char* bad : {"pdf:x.pdf", "junit", "junit:", ":x"}) {
    try {
      parse_report_request(bad);
      ADD_FAILURE() << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("junit, ktap, kcidb, html")) << bad;
    }
  }
}

TEST(ReportWriter, RendersTheFormatAtTheEndOnly) {
  ScratchDir dir;
  const fs::path file = dir.path() / "out" / "r.ktap";
  ReportWriter writer(parse_report_request("ktap:" + file.string()), dir.path());
  const RunResult run = nightly();
  writer.on_cell(run, run.cells[0]);
  EXPECT_FALSE(fs::exists(file));
  writer.on_finish(run);
  EXPECT_THAT(read_file(file), HasSubstr("KTAP version 1"));
}

TEST(HistoryWriter, RecordsTheHeaderAndEachCellIdempotently) {
  ScratchDir dir;
  const fs::path db = dir.path() / "history.db";
  HistoryWriter writer(db);
  RunResult run = nightly();
  writer.on_cell(run, run.cells[0]);
  writer.on_cell(run, run.cells[0]);  // after a second boot
  {
    const auto store = HistoryStore::open(db);
    EXPECT_THAT(store.runs_of_matrix("nightly"), SizeIs(1));
    EXPECT_THAT(store.verdict_timeline({"kmod:0001", "", ""}), SizeIs(1));
  }
  writer.on_cell(run, run.cells[1]);
  run.finished_at = "2026-11-20T02:00:00Z";
  writer.on_finish(run);
  const auto store = HistoryStore::open(db);
  ASSERT_THAT(store.runs_of_matrix("nightly"), SizeIs(1));
  EXPECT_EQ(store.runs_of_matrix("nightly")[0].finished_at, "2026-11-20T02:00:00Z");
  EXPECT_THAT(store.verdict_timeline({"kmod:0001", "", ""}), SizeIs(2));
}

TEST(HistoryWriter, AnUnusableDatabaseDoesNotStopTheRun) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "file", "x");
  HistoryWriter writer(dir.path() / "file" / "history.db");  // parent is a file
  const RunResult run = nightly();
  EXPECT_NO_THROW(writer.on_cell(run, run.cells[0]));
  EXPECT_NO_THROW(writer.on_finish(run));
}

TEST(ContextWriters, WithResultsRootAndReportsAddHistoryAndReportWriters) {
  ScratchDir dir;
  std::atomic<bool> stop{false};
  Context ctx({}, stop);
  const fs::path run_dir = dir.path() / "n1";
  const auto writers =
      ctx.writers_for(run_dir, dir.path(), {parse_report_request("junit:" + (dir.path() / "j.xml").string())});
  ASSERT_THAT(writers, SizeIs(4));
  const RunResult run = nightly();
  for (auto* w : writers) w->on_cell(run, run.cells[0]);
  for (auto* w : writers) w->on_finish(run);
  EXPECT_TRUE(fs::exists(run_dir / "results.json"));
  EXPECT_TRUE(fs::exists(dir.path() / "history.db"));
  EXPECT_THAT(read_file(dir.path() / "j.xml"), HasSubstr("<testsuite"));
}

TEST(HostFacts, QemuAndLibvirtVersionsFromTheFirstOutputLine) {
  FakeProcessRunner runner;
  runner.script("qemu-system-x86_64", exited(0, "QEMU emulator version 7.2.0 (Debian 1:7.2+dfsg-7)\nCopyright (c)\n"));
  runner.script("virsh", exited(0, "9.0.0\n"));
  const HostFacts facts = collect_host_facts(runner, HostLimits{4096, 2});
  EXPECT_EQ(facts.qemu_version, "QEMU emulator version 7.2.0 (Debian 1:7.2+dfsg-7)");
  EXPECT_EQ(facts.libvirt_version, "9.0.0");
  EXPECT_EQ(facts.cpus, 2);
  EXPECT_EQ(facts.memory_mib, 4096);
  EXPECT_FALSE(facts.hostname.empty());
  EXPECT_FALSE(facts.kernel.empty());
  ASSERT_THAT(runner.calls, SizeIs(2));
  EXPECT_EQ(runner.calls[0].argv, (std::vector<std::string>{"qemu-system-x86_64", "--version"}));
}

TEST(HostFacts, AProgramThatFailsLeavesItsFactEmpty) {
  FakeProcessRunner runner;
  runner.script("qemu-system-x86_64", exited(127, "not found"));
  ProcessResult missing;
  missing.start_error = "no such file";
  runner.script("virsh", missing);
  const HostFacts facts = collect_host_facts(runner, HostLimits{});
  EXPECT_EQ(facts.qemu_version, "");
  EXPECT_EQ(facts.libvirt_version, "");
}

}  // namespace
}  // namespace kmx
