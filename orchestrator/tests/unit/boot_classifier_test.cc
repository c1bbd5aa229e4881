// verdict/console_scan and verdict/boot_classifier: one boot's agent events,
// console and end -> a verdict with evidence for every test it decided.
#include "verdict/boot_classifier.h"

#include <sys/resource.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cpu_time.h"
#include "fakes.h"
#include "verdict/console_scan.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using namespace kmx::testing;

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

const std::vector<std::string> kTests = {"kmod:0001", "kmod:0002", "kmod:0003"};

BootRecord record(const std::string& agent, const std::string& console, BootEnd end = BootEnd::kPoweredOff,
                  const std::string& detail = "") {
  AgentStream stream(kTests);
  stream.feed(agent);
  stream.finish();
  return BootRecord{kTests, stream.log(), console, end, detail};
}

// A boot whose first test ran with the given end event and the given console
// between its markers; the other tests never started.
BootRecord one_test(const std::string& end_event, const std::string& console_inside = "") {
  return record(ev_boot() + ev_start("kmod:0001") +
                    ev_output("kmod:0001", "modprobe: FATAL: Module test_kmod not found") + end_event,
                begin_marker("kmod:0001") + console_inside + end_marker("kmod:0001"));
}

TestVerdict only(const BootVerdicts& v) {
  EXPECT_EQ(v.verdicts.size(), 1u);
  if (v.verdicts.empty()) throw std::logic_error("no verdict");
  return v.verdicts.front();
}

std::string ev_end_with(const nlohmann::json& fields) {
  nlohmann::json e = {{"ev", "test-end"}, {"test", "kmod:0001"}, {"exit", -1}, {"duration_s", 12.0}};
  e.update(fields);
  return agent_line(e);
}

const std::string kOomLine =
    "[   41.301122] Out of memory: Killed process 312 (modprobe) total-vm:6508kB, anon-rss:1024kB, "
    "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:52kB oom_score_adj:0\n";
const std::string kPanicLine = "[   42.000310] Kernel panic - not syncing: sysrq triggered crash\n";
const std::string kHungLine = "[  245.118203] INFO: task modprobe:201 blocked for more than 120 seconds.\n";

TEST(ClassifyBoot, ExitZeroIsPass) {
  const TestVerdict v = only(classify_boot(one_test(ev_end("kmod:0001", 0, 2.5))));
  EXPECT_EQ(v.test, "kmod:0001");
  EXPECT_EQ(v.verdict, Verdict::kPass);
  EXPECT_DOUBLE_EQ(v.duration_s, 2.5);
}

TEST(ClassifyBoot, ExitOneIsFailWithLastOutputInEvidence) {
  const TestVerdict v = only(classify_boot(one_test(ev_end("kmod:0001", 1))));
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_THAT(v.evidence, HasSubstr("exit status 1"));
  EXPECT_THAT(v.evidence, HasSubstr("modprobe: FATAL: Module test_kmod not found"));
}

// The kernel's request_module throttle (kmod.c: 50 at once, 5 s wait) is
// what fails kmod.sh 0008/0009 on a slow guest: quoted beside the failure.
const std::string kThrottle =
    "[  439.241856] request_module: modprobe fs-xfs cannot be processed, kmod busy with 50 threads for more than 5 "
    "seconds now\n";

TEST(ClassifyBoot, FailWithTheRequestModuleThrottleQuotesIt) {
  const TestVerdict v = only(classify_boot(one_test(ev_end("kmod:0001", 1, 2.0), kThrottle)));
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_THAT(v.evidence, HasSubstr("agent: exit status 1"));
  EXPECT_THAT(v.evidence, HasSubstr("; kernel: [  439.241856] request_module: modprobe fs-xfs cannot be processed"));
}

TEST(ClassifyBoot, ThrottleAloneDoesNotFailAPassingTest) {
  const TestVerdict v = only(classify_boot(one_test(ev_end("kmod:0001", 0, 2.0), kThrottle)));
  EXPECT_EQ(v.verdict, Verdict::kPass);
  EXPECT_THAT(v.evidence, Not(HasSubstr("kmod busy")));
}

TEST(ClassifyBoot, ExitFourIsSkip) {
  EXPECT_EQ(only(classify_boot(one_test(ev_end("kmod:0001", 4)))).verdict, Verdict::kSkip);
}

TEST(ClassifyBoot, KilledBySignalIsFail) {
  const TestVerdict v = only(classify_boot(one_test(ev_end_with({{"signal", 11}}))));
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_THAT(v.evidence, HasSubstr("signal 11"));
}

TEST(ClassifyBoot, AgentErrorIsError) {
  const TestVerdict v = only(classify_boot(one_test(ev_end_with({{"error", "not executable: /bin/bash"}}))));
  EXPECT_EQ(v.verdict, Verdict::kError);
  EXPECT_THAT(v.evidence, HasSubstr("not executable: /bin/bash"));
}

TEST(ClassifyBoot, AgentTimeoutIsTimeout) {
  const TestVerdict v = only(classify_boot(one_test(ev_end_with({{"timed_out", true}, {"duration_s", 300.2}}))));
  EXPECT_EQ(v.verdict, Verdict::kTimeout);
  EXPECT_THAT(v.evidence, HasSubstr("killed at its limit after 300 s"));
}

// The limit is the host's own (kmx.timeout=), not the rounded time the test ran.
TEST(ClassifyBoot, ATimeoutNamesTheLimitTheHostGave) {
  BootRecord r = one_test(ev_end_with({{"timed_out", true}, {"duration_s", 5.93}}));
  r.limit_s["kmod:0001"] = 5;
  const TestVerdict v = only(classify_boot(r));
  EXPECT_EQ(v.verdict, Verdict::kTimeout);
  EXPECT_THAT(v.evidence, HasSubstr("agent: killed after its 5 s limit"));
}

TEST(ClassifyBoot, UnkillableTestIsTimeoutThatSaysTheRestRebooted) {
  const TestVerdict v = only(classify_boot(one_test(ev_end_with({{"timed_out", true}, {"unkillable", true}}))));
  EXPECT_EQ(v.verdict, Verdict::kTimeout);
  EXPECT_THAT(v.evidence, HasSubstr("still alive after SIGKILL"));
}

TEST(ClassifyBoot, AgentTimeoutWithHungTaskInSegmentIsHang) {
  const TestVerdict v = only(classify_boot(one_test(ev_end_with({{"timed_out", true}}), kHungLine)));
  EXPECT_EQ(v.verdict, Verdict::kHang);
  EXPECT_THAT(v.evidence, HasSubstr("INFO: task modprobe:201 blocked for more than 120 seconds."));
}

TEST(ClassifyBoot, OomOnConsoleOutranksExitZero) {
  const TestVerdict v = only(classify_boot(one_test(ev_end("kmod:0001", 0), kOomLine)));
  EXPECT_EQ(v.verdict, Verdict::kOom);
  EXPECT_THAT(v.evidence, HasSubstr("Out of memory: Killed process 312 (modprobe)"));
}

TEST(ClassifyBoot, OomOnConsoleOutranksExitOne) {
  EXPECT_EQ(only(classify_boot(one_test(ev_end("kmod:0001", 1), kOomLine))).verdict, Verdict::kOom);
}

TEST(ClassifyBoot, OopsWithExitZeroIsFail) {
  const TestVerdict v = only(classify_boot(
      one_test(ev_end("kmod:0001", 0), "[   12.5] general protection fault, probably for non-canonical address\n")));
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_THAT(v.evidence, HasSubstr("oopsed"));
}

// Synthetic console lines (no recorded run has them: they need a buggy or
// sanitizer-enabled kernel). A WARN() splat is not a panic: the kernel goes
// on, so a test that otherwise passed FAILs with the WARNING as evidence,
// like an oops; a failing test keeps its own evidence and names the report.
const std::string kWarningLine =
    "[   12.3] WARNING: CPU: 1 PID: 412 at kernel/module/main.c:2935 load_module+0x1a2/0x1ec0\n";

TEST(ClassifyBoot, WarningSplatWithExitZeroIsFailNotPanic) {
  const TestVerdict v = only(
      classify_boot(one_test(ev_end("kmod:0001", 0), "[   12.2] ------------[ cut here ]------------\n" + kWarningLine +
                                                         "[   12.4] ---[ end trace 0000000000000000 ]---\n")));
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_THAT(v.evidence,
              HasSubstr("printed a WARNING; console: [   12.3] WARNING: CPU: 1 PID: 412 at kernel/module/main.c:2935"));
}

TEST(ClassifyBoot, KasanAndUbsanWithExitZeroAreFail) {
  const TestVerdict kasan = only(classify_boot(one_test(
      ev_end("kmod:0001", 0), "[   13.1] BUG: KASAN: use-after-free in test_kmod_exit+0x20/0x40 [test_kmod]\n")));
  EXPECT_EQ(kasan.verdict, Verdict::kFail);
  EXPECT_THAT(kasan.evidence,
              HasSubstr("KASAN reported a memory error; console: [   13.1] BUG: KASAN: use-after-free"));
  const TestVerdict ubsan = only(classify_boot(
      one_test(ev_end("kmod:0001", 0), "[   14.2] UBSAN: shift-out-of-bounds in kernel/module/main.c:120:9\n")));
  EXPECT_EQ(ubsan.verdict, Verdict::kFail);
  EXPECT_THAT(ubsan.evidence,
              HasSubstr("UBSAN reported undefined behaviour; console: [   14.2] UBSAN: shift-out-of-bounds"));
}

TEST(ClassifyBoot, BugLineWithExitZeroIsFailWithTheLine) {
  const TestVerdict v = only(classify_boot(
      one_test(ev_end("kmod:0001", 0), "[   15.3] BUG: scheduling while atomic: modprobe/412/0x00000002\n")));
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_THAT(v.evidence, HasSubstr("oopsed; console: [   15.3] BUG: scheduling while atomic"));
}

TEST(ClassifyBoot, FailingTestNamesTheWarningAfterItsOwnEvidence) {
  const TestVerdict v = only(classify_boot(one_test(ev_end("kmod:0001", 1), kWarningLine)));
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_THAT(v.evidence, HasSubstr("agent: exit status 1"));
  EXPECT_THAT(v.evidence, HasSubstr("; the kernel printed a WARNING, console: [   12.3] WARNING: CPU: 1"));
}

TEST(ClassifyBoot, WarningInOneTestDoesNotFailTheNext) {
  const BootVerdicts result = classify_boot(record(
      ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0) + ev_start("kmod:0002") + ev_end("kmod:0002", 0),
      begin_marker("kmod:0001") + kWarningLine + end_marker("kmod:0001") + begin_marker("kmod:0002") +
          "[   20.0] test_kmod: loading out-of-tree module taints kernel.\n" + end_marker("kmod:0002")));
  ASSERT_EQ(result.verdicts.size(), 2u);
  EXPECT_EQ(result.verdicts[0].verdict, Verdict::kFail);
  EXPECT_EQ(result.verdicts[1].verdict, Verdict::kPass);
}

TEST(ClassifyBoot, WarningWithPanicOnWarnIsPanic) {
  const TestVerdict v = only(classify_boot(one_test(
      ev_end("kmod:0001", 0), kWarningLine + "[   12.5] Kernel panic - not syncing: kernel: panic_on_warn set ...\n")));
  EXPECT_EQ(v.verdict, Verdict::kPanic);
}

// The scanner matches nonce-less (protocol 1) markers only for the empty
// nonce, which AgentStream refuses: a protocol 2 boot whose test prints a
// nonce-less marker of another test, and reports an empty nonce, moves nothing.
TEST(ClassifyBoot, NonceLessMarkerAndEmptyNonceReportMoveNothingInProtocol2) {
  const std::string empty_nonce =
      agent_line({{"ev", protocol::kEventMarker}, {"test", "kmod:0002"}, {"kind", "begin"}, {"nonce", ""}});
  const BootRecord r = record(ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0) + ev_start("kmod:0002") +
                                  empty_nonce + ev_end("kmod:0002", 0),
                              begin_marker("kmod:0001") + "[    5.0] kmod-matrix: begin kmod:0002\n" + kWarningLine +
                                  begin_marker("kmod:0002"));
  EXPECT_EQ(r.agent.begin_nonces.at("kmod:0002"), test_nonce("kmod:0002"));
  const BootVerdicts result = classify_boot(r);
  ASSERT_EQ(result.verdicts.size(), 2u);
  EXPECT_EQ(result.verdicts[0].verdict, Verdict::kFail);
  EXPECT_EQ(result.verdicts[1].verdict, Verdict::kPass);
}

TEST(ClassifyBoot, PanicDuringUnfinishedTestIsPanicAndLaterTestsAreNotRun) {
  const BootVerdicts result = classify_boot(
      record(ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0) + ev_start("kmod:0002"),
             begin_marker("kmod:0001") + end_marker("kmod:0001") + begin_marker("kmod:0002") + kPanicLine));
  ASSERT_EQ(result.verdicts.size(), 2u);
  EXPECT_EQ(result.verdicts[0].verdict, Verdict::kPass);
  EXPECT_EQ(result.verdicts[1].test, "kmod:0002");
  EXPECT_EQ(result.verdicts[1].verdict, Verdict::kPanic);
  EXPECT_THAT(result.verdicts[1].evidence, HasSubstr("sysrq triggered crash"));
  EXPECT_THAT(result.not_run, ElementsAre("kmod:0003"));
}

TEST(ClassifyBoot, HostWatchdogOnUnfinishedTestIsTimeout) {
  const TestVerdict v =
      only(classify_boot(record(ev_boot() + ev_start("kmod:0001"), begin_marker("kmod:0001"), BootEnd::kTestTimeout,
                                "kmod:0001 still running after 330 s (limit plus host grace); VM destroyed")));
  EXPECT_EQ(v.verdict, Verdict::kTimeout);
  EXPECT_THAT(v.evidence, HasSubstr("host watchdog: kmod:0001 still running after 330 s"));
}

TEST(ClassifyBoot, HostWatchdogWithSoftLockupIsHang) {
  const TestVerdict v = only(classify_boot(
      record(ev_boot() + ev_start("kmod:0001"),
             begin_marker("kmod:0001") + "[   68.2] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [modprobe:201]\n",
             BootEnd::kTestTimeout, "limit")));
  EXPECT_EQ(v.verdict, Verdict::kHang);
}

TEST(ClassifyBoot, NoBootEventAndBootTimeoutMakesEveryTestTimeout) {
  const BootVerdicts result = classify_boot(record("", "[    0.000000] Linux version 6.1.0-56-amd64\n",
                                                   BootEnd::kBootTimeout, "no agent event within 120 s"));
  ASSERT_EQ(result.verdicts.size(), 3u);
  for (const auto& v : result.verdicts) {
    EXPECT_EQ(v.verdict, Verdict::kTimeout) << v.test;
    EXPECT_THAT(v.evidence, HasSubstr("no agent event within 120 s"));
  }
  EXPECT_EQ(result.verdicts[2].test, "kmod:0003");
  EXPECT_THAT(result.not_run, IsEmpty());
}

TEST(ClassifyBoot, NoBootEventAndPanicOnConsoleMakesEveryTestPanic) {
  const BootVerdicts result = classify_boot(
      record("", "[    1.9] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n"));
  ASSERT_EQ(result.verdicts.size(), 3u);
  for (const auto& v : result.verdicts) {
    EXPECT_EQ(v.verdict, Verdict::kPanic) << v.test;
    EXPECT_THAT(v.evidence, HasSubstr("during boot, console: [    1.9] Kernel panic - not syncing: VFS"));
  }
}

TEST(ClassifyBoot, NoBootEventNamesAgentGarbageInEvidence) {
  const BootVerdicts result = classify_boot(record("\xff\xfe garbled\n", "", BootEnd::kBootTimeout, "no agent event"));
  ASSERT_EQ(result.verdicts.size(), 3u);
  EXPECT_THAT(result.verdicts[0].evidence,
              HasSubstr("1 malformed lines, first: not a JSON object: \\xff\\xfe garbled"));
}

TEST(ClassifyBoot, StartFailedIsErrorForEveryTest) {
  const BootVerdicts result = classify_boot(record("", "", BootEnd::kStartFailed, "libvirt could not start kmx-1"));
  ASSERT_EQ(result.verdicts.size(), 3u);
  EXPECT_EQ(result.verdicts[1].verdict, Verdict::kError);
  EXPECT_THAT(result.verdicts[1].evidence, HasSubstr("VM did not start: libvirt could not start kmx-1"));
}

TEST(ClassifyBoot, GuestStoppedMidTestWithoutEvidenceIsError) {
  const TestVerdict v = only(classify_boot(record(ev_boot() + ev_start("kmod:0001"), begin_marker("kmod:0001"))));
  EXPECT_EQ(v.verdict, Verdict::kError);
  EXPECT_THAT(v.evidence, HasSubstr("no test-end event and no panic"));
}

TEST(ClassifyBoot, TestCutShortByAnInterruptGetsNoVerdict) {
  const BootVerdicts result = classify_boot(
      record(ev_boot() + ev_start("kmod:0001"), begin_marker("kmod:0001"), BootEnd::kInterrupted, "run interrupted"));
  EXPECT_TRUE(result.verdicts.empty());
  EXPECT_THAT(result.not_run, ::testing::ElementsAre("kmod:0001", "kmod:0002", "kmod:0003"));
}

// Before, a boot that ended this way before the agent's boot event gave
// every test ERROR "guest stopped before the agent reported boot": a
// lost host's cell was requeued with nothing left to run, and an
// interrupt during a boot kept ERRORs that --resume would not run again.
TEST(ClassifyBoot, AnInterruptOrALostHostBeforeTheBootEventLeavesEveryTestToRunAgain) {
  for (const BootEnd end : {BootEnd::kInterrupted, BootEnd::kHostLost}) {
    const BootVerdicts result = classify_boot(record("", "[    0.000000] Linux version 6.1.0-56-amd64\n", end, "gone"));
    EXPECT_TRUE(result.verdicts.empty()) << static_cast<int>(end);
    EXPECT_THAT(result.not_run, ::testing::ElementsAre("kmod:0001", "kmod:0002", "kmod:0003")) << static_cast<int>(end);
  }
}

TEST(ClassifyBoot, APanicDuringBootIsKeptEvenIfTheHostWentAfterIt) {
  const BootVerdicts result =
      classify_boot(record("", "[    0.5] Kernel panic - not syncing: VFS: Unable to mount root fs\n",
                           BootEnd::kHostLost, "the connection to the libvirt host was lost"));
  ASSERT_EQ(result.verdicts.size(), 3u);
  EXPECT_EQ(result.verdicts[0].verdict, Verdict::kPanic);
}

TEST(ClassifyBoot, OomInOneTestDoesNotLeakIntoTheNext) {
  const BootVerdicts result = classify_boot(record(
      ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 1) + ev_start("kmod:0002") + ev_end("kmod:0002", 0),
      begin_marker("kmod:0001") + kOomLine + end_marker("kmod:0001") + begin_marker("kmod:0002") +
          end_marker("kmod:0002")));
  ASSERT_EQ(result.verdicts.size(), 2u);
  EXPECT_EQ(result.verdicts[0].verdict, Verdict::kOom);
  EXPECT_EQ(result.verdicts[1].verdict, Verdict::kPass);
}

TEST(ClassifyBoot, PanicRightAfterATestEndsIsChargedToThatTest) {
  const BootVerdicts result = classify_boot(record(ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0),
                                                   begin_marker("kmod:0001") + end_marker("kmod:0001") + kPanicLine));
  ASSERT_EQ(result.verdicts.size(), 1u);
  EXPECT_EQ(result.verdicts[0].verdict, Verdict::kPanic);
  EXPECT_THAT(result.not_run, ElementsAre("kmod:0002", "kmod:0003"));
}

TEST(ClassifyBoot, BootedButStartedNothingLeavesAllNotRun) {
  const BootVerdicts result = classify_boot(record(ev_boot() + ev_done(), ""));
  EXPECT_THAT(result.verdicts, IsEmpty());
  EXPECT_THAT(result.not_run, ElementsAre("kmod:0001", "kmod:0002", "kmod:0003"));
}

// Issue 14: a test that printed "kmod-matrix: begin kmod:0002" (it can read
// the format from the kernel log) moved its own oops to kmod:0002 and passed.
TEST(ClassifyBoot, ForgedMarkerDoesNotMoveAnOopsOrTurnFailIntoPass) {
  const BootVerdicts result = classify_boot(record(
      ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0) + ev_start("kmod:0002") + ev_end("kmod:0002", 0),
      begin_marker("kmod:0001") + "[    5.2] kmod-matrix: begin kmod:0002\n" +
          "[    5.3] BUG: kernel NULL pointer dereference, address: 0000000000000008\n" + begin_marker("kmod:0002")));
  ASSERT_EQ(result.verdicts.size(), 2u);
  EXPECT_EQ(result.verdicts[0].verdict, Verdict::kFail);
  EXPECT_THAT(result.verdicts[0].evidence, HasSubstr("kernel oopsed"));
  EXPECT_EQ(result.verdicts[1].verdict, Verdict::kPass);
}

// What follows the agent's death (a panic) is still charged to the test
// that was running: no marker is needed after it.
TEST(ClassifyBoot, PanicAfterTheAgentDiedIsChargedToTheRunningTest) {
  const BootVerdicts result = classify_boot(record(
      ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0) + ev_start("kmod:0002"),
      begin_marker("kmod:0001") + begin_marker("kmod:0002") + "[    9.0] kmod-matrix: begin kmod:0003\n" + kPanicLine));
  ASSERT_EQ(result.verdicts.size(), 2u);
  EXPECT_EQ(result.verdicts[1].test, "kmod:0002");
  EXPECT_EQ(result.verdicts[1].verdict, Verdict::kPanic);
  EXPECT_THAT(result.not_run, ElementsAre("kmod:0003"));
}

// Issue 14: timed_out with duration_s 1e300 gave "-2147483648 s limit"
// through an undefined conversion.
TEST(ClassifyBoot, AbsurdDurationGivesADefinedEvidence) {
  const TestVerdict v = only(classify_boot(one_test(ev_end_with({{"timed_out", true}, {"duration_s", 1e300}}))));
  EXPECT_EQ(v.verdict, Verdict::kTimeout);
  EXPECT_THAT(v.evidence, Not(HasSubstr("-")));
  EXPECT_THAT(v.evidence, HasSubstr("killed at its limit after 10000000 s"));
}

TEST(ClassifyBoot, FloodDuringATestIsItsFailWithTheFloodAsEvidence) {
  const BootVerdicts result =
      classify_boot(record(ev_boot() + ev_start("kmod:0001"), begin_marker("kmod:0001"), BootEnd::kOutputFlood,
                           "guest wrote console 70000000 bytes (cap 67108864)"));
  ASSERT_EQ(result.verdicts.size(), 1u);
  EXPECT_EQ(result.verdicts[0].verdict, Verdict::kFail);
  EXPECT_THAT(result.verdicts[0].evidence, HasSubstr("output flood: guest wrote console 70000000 bytes"));
  EXPECT_THAT(result.not_run, ElementsAre("kmod:0002", "kmod:0003"));
}

TEST(ClassifyBoot, FloodEndingInAPanicIsPanic) {
  const TestVerdict v =
      only(classify_boot(record(ev_boot() + ev_start("kmod:0001"), begin_marker("kmod:0001") + kPanicLine,
                                BootEnd::kOutputFlood, "guest wrote console 70000000 bytes")));
  EXPECT_EQ(v.verdict, Verdict::kPanic);
  EXPECT_THAT(v.evidence, HasSubstr("then guest wrote console"));
}

TEST(ClassifyBoot, FloodAfterATestPassedIsChargedToIt) {
  const TestVerdict v = only(classify_boot(record(ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0),
                                                  begin_marker("kmod:0001"), BootEnd::kOutputFlood, "agent flood")));
  EXPECT_EQ(v.test, "kmod:0001");
  EXPECT_EQ(v.verdict, Verdict::kFail);
}

TEST(ClassifyBoot, FloodBeforeAnyTestFailsEveryTestNotTheHarness) {
  const BootVerdicts booted = classify_boot(record(ev_boot(), "", BootEnd::kOutputFlood, "console flood"));
  const BootVerdicts unbooted = classify_boot(record("", "", BootEnd::kOutputFlood, "console flood"));
  for (const BootVerdicts* r : {&booted, &unbooted}) {
    ASSERT_EQ(r->verdicts.size(), 3u);
    for (const auto& v : r->verdicts) EXPECT_EQ(v.verdict, Verdict::kFail) << v.evidence;
    EXPECT_TRUE(r->not_run.empty());
  }
}

// Issue 14: 64 MiB of newlines made classify_boot peak at 4.26 GB RSS (a
// vector of 64 M strings, then copies per segment). The scan now keeps no
// line: the peak grows by far less than the console itself.
TEST(ClassifyBoot, SixtyFourMebibytesOfNewlinesCostLittleMemory) {
  BootRecord r = record(ev_boot() + ev_start("kmod:0001"), "", BootEnd::kOutputFlood, "console flood");
  r.console = begin_marker("kmod:0001") + std::string(64 << 20, '\n') + kPanicLine;
  const long before_kib = peak_rss_kib();
  const TestVerdict v = only(classify_boot(r));
  EXPECT_EQ(v.verdict, Verdict::kPanic);
  EXPECT_LT(peak_rss_kib() - before_kib, 64 << 10);  // < 64 MiB more than before
}

}  // namespace
}  // namespace kmx

namespace kmx {
namespace {

BootRecord with_rounds(BootRecord r, int planned) {
  r.planned_rounds["kmod:0001"] = planned;
  return r;
}

TEST(ClassifyBootEvidence, AFailureNamesTheRoundItFailedIn) {
  const auto v = only(
      classify_boot(with_rounds(record(ev_boot() + ev_start("kmod:0001") + ev_round("kmod:0001", 0) +
                                           ev_round("kmod:0001", 1) + ev_round("kmod:0001", 2) + ev_end("kmod:0001", 1),
                                       begin_marker("kmod:0001")),
                                150)));
  EXPECT_EQ(v.verdict, Verdict::kFail);
  EXPECT_EQ(test_details_json(v.details)["iterations"],
            nlohmann::json({{"planned", 150}, {"passed", 2}, {"failed_at", 3}}));
}

TEST(ClassifyBootEvidence, APassPassedEveryPlannedRound) {
  const auto v = only(classify_boot(with_rounds(record(ev_boot() + ev_start("kmod:0001") + ev_round("kmod:0001", 0) +
                                                           ev_round("kmod:0001", 1) + ev_end("kmod:0001", 0),
                                                       begin_marker("kmod:0001")),
                                                2)));
  EXPECT_EQ(v.verdict, Verdict::kPass);
  EXPECT_EQ(test_details_json(v.details)["iterations"],
            nlohmann::json({{"planned", 2}, {"passed", 2}, {"failed_at", nullptr}}));
}

TEST(ClassifyBootEvidence, RoundsOutOfOrderOrOfAnotherTestDoNotCount) {
  const auto v = only(
      classify_boot(with_rounds(record(ev_boot() + ev_start("kmod:0001") + ev_round("kmod:0001", 0) +
                                           ev_round("kmod:0001", 7) + ev_round("kmod:0002", 1) + ev_end("kmod:0001", 1),
                                       begin_marker("kmod:0001")),
                                150)));
  EXPECT_EQ(test_details_json(v.details)["iterations"]["failed_at"], 1);
}

TEST(ClassifyBootEvidence, SamplesBecomeTheTestsMemoryCurve) {
  const auto v = only(classify_boot(record(ev_boot() + ev_start("kmod:0001") + ev_sample("kmod:0001", 0.25, 800000) +
                                               ev_sample("kmod:0001", 0.5, 600000, 0, 40) +
                                               ev_sample("kmod:0001", 0.75, 700000, 1) + ev_end("kmod:0001", 0),
                                           begin_marker("kmod:0001"))));
  const nlohmann::json memory = test_details_json(v.details)["memory"];
  ASSERT_EQ(memory["samples"].size(), 3u);
  EXPECT_EQ(memory["samples"][1]["avail"], 600000);
  EXPECT_EQ(memory["min_available_kib"], 600000);
  EXPECT_EQ(memory["peak_processes"], 40);
  EXPECT_EQ(memory["first_oom_kill_s"], 0.75);
}

TEST(ClassifyBootEvidence, AnOomNamesItsVictimAndItsSize) {
  const auto v = only(classify_boot(
      record(ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 1),
             begin_marker("kmod:0001") + "[   41.3] modprobe invoked oom-killer: gfp_mask=0x140cca\n" + kOomLine)));
  EXPECT_EQ(v.verdict, Verdict::kOom);
  EXPECT_THAT(v.evidence, HasSubstr("Killed process 312 (modprobe)"));
  EXPECT_EQ(test_details_json(v.details)["oom"]["victim"], "modprobe");
  EXPECT_EQ(test_details_json(v.details)["oom"]["anon_rss_kib"], 1024);
}

TEST(ClassifyBootEvidence, OomGraceWithoutAConsoleLineIsStillOom) {
  const auto v = only(classify_boot(
      record(ev_boot() + ev_start("kmod:0001") + ev_sample("kmod:0001", 1, 1000, 0) + ev_sample("kmod:0001", 2, 900, 1),
             begin_marker("kmod:0001"), BootEnd::kOomGrace,
             "the kernel OOM-killed during kmod:0001, still running 10 s later")));
  EXPECT_EQ(v.verdict, Verdict::kOom);
  EXPECT_THAT(v.evidence, HasSubstr("still running 10 s later"));
}

TEST(ClassifyBootEvidence, ATestCutShortByTheHostTakesTheHostsDuration) {
  BootRecord r = record(ev_boot() + ev_start("kmod:0001"), begin_marker("kmod:0001"), BootEnd::kTestTimeout,
                        "kmod:0001 still running after 330 s");
  r.running_seconds["kmod:0001"] = 331.5;
  EXPECT_DOUBLE_EQ(only(classify_boot(r)).duration_s, 331.5);
}

TEST(ClassifyBootEvidence, ATestKilledAtItsLimitKeepsTheAgentsDumpAndQuotesTheBlockedStack) {
  const std::string dump =
      "kmod-matrix: processes\n\npid 300 (bash) state S pgrp 300 wchan do_wait\n[<0>] do_wait+0x1/0x2\n"
      "\npid 311 (modprobe) state D pgrp 300 wchan load_module\n[<0>] __schedule+0x2e5/0x870\n"
      "[<0>] schedule+0x5e/0xd0\n[<0>] load_module+0x10/0x20\n";
  const auto v = only(classify_boot(record(
      ev_boot() + ev_start("kmod:0001") + agent_line({{"ev", "hang-dump"}, {"test", "kmod:0001"}, {"text", dump}}) +
          ev_end_with({{"timed_out", true}, {"signal", 9}, {"duration_s", 300.0}}),
      begin_marker("kmod:0001") + "[  300.1] sysrq: Show Blocked State\n[  300.1] task:modprobe state:D\n")));
  EXPECT_EQ(v.verdict, Verdict::kTimeout);
  EXPECT_THAT(v.hang_dump, HasSubstr("pid 311 (modprobe) state D"));
  EXPECT_THAT(v.hang_dump, HasSubstr("sysrq: Show Blocked State"));
  EXPECT_THAT(v.evidence, HasSubstr("first blocked: pid 311 (modprobe) state D pgrp 300 wchan load_module; stack: "
                                    "__schedule+0x2e5/0x870 < schedule+0x5e/0xd0 < load_module+0x10/0x20"));
}

TEST(ClassifyBootEvidence, AHostWatchdogKeepsTheKernelsSysrqAnswer) {
  const auto v = only(classify_boot(record(ev_boot() + ev_start("kmod:0001"),
                                           begin_marker("kmod:0001") +
                                               "[  330.0] sysrq: Show Blocked State\n"
                                               "[  330.0] task:modprobe        state:D stack:0     pid:311   ppid:2\n"
                                               "[  330.0] Call Trace:\n[  330.0]  <TASK>\n"
                                               "[  330.0]  __schedule+0x2e5/0x870\n[  330.0]  ? foo+0x1/0x2\n"
                                               "[  330.0]  schedule+0x5e/0xd0\n",
                                           BootEnd::kTestTimeout, "kmod:0001 still running after 330 s")));
  EXPECT_EQ(v.verdict, Verdict::kTimeout);
  EXPECT_THAT(v.hang_dump, HasSubstr("task:modprobe"));
  EXPECT_THAT(v.evidence, HasSubstr("first blocked: task:modprobe state:D stack:0 pid:311 ppid:2; stack: "
                                    "__schedule+0x2e5/0x870 < schedule+0x5e/0xd0"));
}

TEST(ClassifyBootEvidence, APassingTestHasNoHangDump) {
  const auto v = only(
      classify_boot(record(ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0), begin_marker("kmod:0001"))));
  EXPECT_EQ(v.hang_dump, "");
  EXPECT_FALSE(test_details_json(v.details).contains("hang"));
}

// Issue 25: the whole classification, not only the scan, is linear in the
// console whatever one line of it holds: a test that writes megabytes of
// crash-report fragments raw to ttyS0 costs its cell seconds, not days. From
// 1 MiB to 8 MiB (three doublings) at most ~2x per doubling. Below 10 ms the
// machine's noise is larger than the work: such times count as 10 ms.
TEST(ClassifyBoot, TimeIsLinearInOneHugeConsoleLineOfReportFragments) {
  for (const char* fragment : {"WARNING:", "WARNING: CPU: 0 PID: 1 at a.c", "BUG:", "Kernel panic", "sysrq: Show",
                               ") state D ", "task:", "Killed process", "+0x"}) {
    const auto classify = [&](std::size_t bytes) {
      const BootRecord r =
          one_test(ev_end_with(nlohmann::json::object()), repeated_line(fragment, bytes) + "\n" + kPanicLine);
      return [r] { EXPECT_EQ(classify_boot(r).verdicts.size(), 1u); };
    };
    const double t_small = least_cpu_seconds(classify(1 << 20)), t_large = least_cpu_seconds(classify(8 << 20));
    EXPECT_LE(t_large, 16 * std::max(t_small, 0.01))
        << "\"" << fragment << "\": " << t_small << " s for 1 MiB, " << t_large << " s for 8 MiB";
  }
}

}  // namespace
}  // namespace kmx
