// verdict/console_scan: one pass over untrusted console text; only markers
// whose nonce the agent reported cut it into per-test segments.
#include "verdict/console_scan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cpu_time.h"
#include "fakes.h"

namespace kmx {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace kmx::testing;

const std::string kOomLine =
    "[   41.301122] Out of memory: Killed process 312 (modprobe) total-vm:6508kB, anon-rss:1024kB, "
    "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:52kB oom_score_adj:0";
const std::string kPanicLine = "[   42.000310] Kernel panic - not syncing: sysrq triggered crash";
const std::string kHungLine = "[  245.118203] INFO: task modprobe:201 blocked for more than 120 seconds.";
const std::string kOopsLine = "[   43.0] BUG: kernel NULL pointer dereference, address: 0000000000000008";

std::map<std::string, std::string> nonces(std::initializer_list<std::string> tests) {
  std::map<std::string, std::string> m;
  for (const auto& t : tests) m[t] = test_nonce(t);
  return m;
}

TEST(ConsoleScan, SegmentsStartAtReportedBeginMarkers) {
  const ConsoleReport r = scan_console("[    0.000000] Linux version 6.1.0-56-amd64\n" + kHungLine + "\n" +
                                           begin_marker("kmod:0001") + kOomLine + "\n" + end_marker("kmod:0001") +
                                           kPanicLine + "\n" + begin_marker("kmod:0002") + kOopsLine + "\n",
                                       nonces({"kmod:0001", "kmod:0002"}));
  EXPECT_TRUE(find_kind(r.before_tests, ConsoleEventKind::kHang));
  ASSERT_EQ(r.per_test.size(), 2u);
  // What follows a test's end marker, up to the next begin, is still its own.
  EXPECT_TRUE(find_kind(r.per_test.at("kmod:0001"), ConsoleEventKind::kOom));
  EXPECT_TRUE(find_kind(r.per_test.at("kmod:0001"), ConsoleEventKind::kPanic));
  EXPECT_FALSE(find_kind(r.per_test.at("kmod:0001"), ConsoleEventKind::kOops));
  EXPECT_TRUE(find_kind(r.per_test.at("kmod:0002"), ConsoleEventKind::kOops));
  // The OOM line names its victim too.
  EXPECT_TRUE(find_kind(r.whole, ConsoleEventKind::kOomVictim));
  EXPECT_EQ(r.whole.size(), 5u);
}

TEST(ConsoleScan, FindsFirstLineOfEachKindAndDropsCarriageReturns) {
  const ConsoleReport r = scan_console(kOomLine + "\r\n[   41.4] bash invoked oom-killer: gfp_mask=0x140cca\n" +
                                           kHungLine + "\n" + kPanicLine + "\n" + kOopsLine,
                                       {});
  ASSERT_EQ(r.before_tests.size(), 5u);
  EXPECT_EQ(find_kind(r.before_tests, ConsoleEventKind::kOom)->line, kOomLine);
  EXPECT_EQ(find_kind(r.before_tests, ConsoleEventKind::kOomVictim)->line, kOomLine);
  EXPECT_THAT(find_kind(r.before_tests, ConsoleEventKind::kPanic)->line, HasSubstr("sysrq triggered crash"));
  EXPECT_THAT(find_kind(r.before_tests, ConsoleEventKind::kOops)->line, HasSubstr("NULL pointer"));
}

TEST(ConsoleScan, CleanConsoleHasNoFindings) {
  const ConsoleReport r =
      scan_console("[    3.3] reboot: Power down\n" + begin_marker("kmod:0001"), nonces({"kmod:0001"}));
  EXPECT_THAT(r.whole, IsEmpty());
  EXPECT_THAT(findings_of(r, "kmod:0001"), IsEmpty());
  EXPECT_THAT(findings_of(r, "kmod:0009"), IsEmpty());
}

TEST(ConsoleScan, EvidenceLineIsSanitized) {
  const ConsoleReport r = scan_console("Kernel panic - not syncing: \x1b[0m", {});
  EXPECT_EQ(find_kind(r.whole, ConsoleEventKind::kPanic)->line, "Kernel panic - not syncing: \\x1b[0m");
}

// Issue 14: a test printing "kmod-matrix: begin <next test>" before it oopses
// moved the oops to the next test (the old scanner took the marker anywhere).
TEST(ConsoleScan, MarkerWithoutTheReportedNonceIsNoBoundary) {
  const ConsoleReport r = scan_console(begin_marker("kmod:0001") + "[ 5.3] kmod-matrix: begin kmod:0002\n" +
                                           "[ 5.4] test_kmod: kmod-matrix: begin kmod:0002 0123456789abcdef\n" +
                                           kOopsLine + "\n" + begin_marker("kmod:0002"),
                                       nonces({"kmod:0001", "kmod:0002"}));
  EXPECT_TRUE(find_kind(findings_of(r, "kmod:0001"), ConsoleEventKind::kOops));
  EXPECT_THAT(findings_of(r, "kmod:0002"), IsEmpty());
}

// A test can read its own begin marker (nonce included) from the kernel log
// and print it again later, or a marker of a test that already ran: only the
// first line with a reported nonce is a boundary.
TEST(ConsoleScan, ReplayedMarkerMovesNothing) {
  const ConsoleReport r = scan_console(begin_marker("kmod:0001") + begin_marker("kmod:0002") + kOopsLine + "\n" +
                                           begin_marker("kmod:0001") + kPanicLine + "\n",
                                       nonces({"kmod:0001", "kmod:0002"}));
  EXPECT_THAT(findings_of(r, "kmod:0001"), IsEmpty());
  EXPECT_TRUE(find_kind(findings_of(r, "kmod:0002"), ConsoleEventKind::kOops));
  EXPECT_TRUE(find_kind(findings_of(r, "kmod:0002"), ConsoleEventKind::kPanic));
}

// Synthetic lines in the kernel's formats (lib/bug.c, kernel/panic.c __warn(),
// mm/kasan/report.c, lib/ubsan.c, kernel/sched/core.c): the recorded corpus
// has none, real ones need a buggy or sanitizer-enabled kernel.
const std::string kWarningLine =
    "[   12.345678] WARNING: CPU: 1 PID: 412 at kernel/module/main.c:2935 load_module+0x1a2/0x1ec0";
const std::string kKasanLine = "[   13.1] BUG: KASAN: slab-out-of-bounds in test_kmod_probe+0x4f/0x90 [test_kmod]";
const std::string kUbsanLine = "[   14.2] UBSAN: array-index-out-of-bounds in lib/test_ubsan.c:61:17";
const std::string kAtomicLine = "[   15.3] BUG: scheduling while atomic: modprobe/412/0x00000002";
const std::string kPageFaultLine = "[   16.4] BUG: unable to handle page fault for address: ffffffffc0a1b000";

TEST(ConsoleScan, WarningSplatIsAWarningWithItsLine) {
  const ConsoleReport r = scan_console("[   12.3] ------------[ cut here ]------------\n" + kWarningLine +
                                           "\n[   12.4] Modules linked in: test_kmod(OE+)\n",
                                       {});
  ASSERT_EQ(r.whole.size(), 1u);
  EXPECT_EQ(r.whole[0].kind, ConsoleEventKind::kWarning);
  EXPECT_EQ(r.whole[0].line, kWarningLine);
  EXPECT_TRUE(is_kernel_bug_report(ConsoleEventKind::kWarning));
}

TEST(ConsoleScan, OlderAndNewerWarningFormatsNameFileAndLine) {
  for (const std::string line :
       {"[ 1.0] WARNING: at fs/sysfs/dir.c:31 sysfs_warn_dup+0x5b/0x70()",
        "[ 1.0] WARNING: lib/refcount.c:25 at refcount_warn_saturate+0x9c/0x150, CPU#0: modprobe/41",
        "[ 1.0] WARNING: CPU: 0 PID: 1 at rust/kernel/lib.rs:12 f+0x1/0x2"}) {
    const ConsoleReport r = scan_console(line, {});
    ASSERT_EQ(r.whole.size(), 1u) << line;
    EXPECT_EQ(r.whole[0].kind, ConsoleEventKind::kWarning) << line;
  }
}

// "WARNING:" without a source location is not a WARN() splat: user space
// (depmod, modprobe) and drivers print such lines; lockdep's reports are left
// to a lockdep pattern of their own.
TEST(ConsoleScan, WarningWithoutSourceLocationIsNotAFinding) {
  const ConsoleReport r = scan_console(
      "[ 2.0] depmod: WARNING: could not open modules.order at /lib/modules/6.1.0-56-amd64\n"
      "[ 2.1] WARNING: possible circular locking dependency detected\n"
      "[ 2.2] NOWARNING: at x.c:1\n"
      "[ 2.3] test_kmod: loading out-of-tree module taints kernel.\n"
      "[ 2.4] test_kmod: module verification failed: signature and/or required key missing - tainting kernel\n"
      "[ 2.5] PM: DEBUG: suspend 1\n",
      {});
  EXPECT_THAT(r.whole, IsEmpty());
}

TEST(ConsoleScan, KasanIsItsOwnKindNotAPlainBug) {
  const ConsoleReport r =
      scan_console(kKasanLine + "\n[   13.2] Read of size 8 at addr ffff888003f0a1c8 by task modprobe/412\n", {});
  ASSERT_EQ(r.whole.size(), 1u);
  EXPECT_EQ(r.whole[0].kind, ConsoleEventKind::kKasan);
  EXPECT_EQ(r.whole[0].line, kKasanLine);
}

TEST(ConsoleScan, UbsanIsItsOwnKind) {
  const ConsoleReport r = scan_console("[   14.1] ================================================================\n" +
                                           kUbsanLine + "\n[   14.3] index 5 is out of range for type 'int [4]'\n",
                                       {});
  ASSERT_EQ(r.whole.size(), 1u);
  EXPECT_EQ(r.whole[0].kind, ConsoleEventKind::kUbsan);
  EXPECT_EQ(r.whole[0].line, kUbsanLine);
}

TEST(ConsoleScan, AnyBugLineIsAnOopsButLockupsStayHangs) {
  EXPECT_EQ(find_kind(scan_console(kAtomicLine, {}).whole, ConsoleEventKind::kOops)->line, kAtomicLine);
  EXPECT_EQ(find_kind(scan_console(kPageFaultLine, {}).whole, ConsoleEventKind::kOops)->line, kPageFaultLine);
  const ConsoleReport lockup = scan_console(
      "[ 31.8] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [modprobe:412]\n"
      "[ 32.0] BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 31s!\n",
      {});
  ASSERT_EQ(lockup.whole.size(), 1u);
  EXPECT_EQ(lockup.whole[0].kind, ConsoleEventKind::kHang);
}

TEST(ConsoleScan, FirstBugReportIsTheEarliestOfOopsWarningKasanUbsan) {
  const ConsoleReport r =
      scan_console(kOomLine + "\n" + kUbsanLine + "\n" + kWarningLine + "\n" + kAtomicLine + "\n", {});
  ASSERT_TRUE(first_bug_report(r.whole));
  EXPECT_EQ(first_bug_report(r.whole)->line, kUbsanLine);
  EXPECT_FALSE(first_bug_report(scan_console(kOomLine + "\n" + kPanicLine, {}).whole));
}

// Logs recorded with protocol 1 have markers without a nonce; only a caller
// that passes kProtocol1Nonce (the corpus) cuts at them.
TEST(ConsoleScan, Protocol1MarkersCutOnlyWithTheProtocol1Nonce) {
  const std::string console =
      "[ 2.1] kmod-matrix: begin kmod:0001\n" + kOopsLine + "\n[ 3.0] kmod-matrix: begin kmod:0002\n";
  const ConsoleReport v1 =
      scan_console(console, {{"kmod:0001", std::string(kProtocol1Nonce)}, {"kmod:0002", std::string(kProtocol1Nonce)}});
  EXPECT_TRUE(find_kind(findings_of(v1, "kmod:0001"), ConsoleEventKind::kOops));
  EXPECT_TRUE(v1.per_test.count("kmod:0002"));
  const ConsoleReport v2 = scan_console(console, nonces({"kmod:0001", "kmod:0002"}));
  EXPECT_TRUE(v2.per_test.empty());
  EXPECT_TRUE(find_kind(v2.before_tests, ConsoleEventKind::kOops));
}

// Issue 14: 64 MiB of newlines made the old split peak at 4.26 GB. The scan
// keeps no line: it counts them and keeps nothing but findings.
TEST(ConsoleScan, MillionsOfEmptyLinesAreCountedNotKept) {
  const std::string newlines(8 << 20, '\n');
  const ConsoleReport r = scan_console(newlines + kPanicLine, {});
  EXPECT_EQ(r.lines, (8u << 20) + 1);
  EXPECT_TRUE(find_kind(r.whole, ConsoleEventKind::kPanic));
}

// Issue 25: one console line of repeated "WARNING:" took 0.43 s at 64 KiB
// and 4x as long per doubling (days for the 48 MiB a boot may keep): each
// occurrence rescanned the rest of the line. From 1 MiB to 8 MiB, three
// doublings, the scan may take at most ~2x per doubling (16x), not 64x;
// below 10 ms the machine's noise is larger than the work: such times count
// as 10 ms.
const char* const kHugeLineFragments[] = {
    "WARNING:",
    " WARNING:",
    "WARNING: at x",
    "WARNING: CPU: 0 PID: 1 at a.c",
    "xWARNING:",
    "a.c:",
    "BUG:",
    "xBUG:",
    "BUG: KASAN:",
    "Kernel panic",
    "Kernel panic - not syncing",
    "Out of memory: Killed process",
    "kmod-matrix: begin kmod:0001 ",
    "cannot be processed, kmod busy with",
};

volatile std::size_t kept_lines = 0;

TEST(ConsoleScan, TimeIsLinearInOneHugeLineWhateverItRepeats) {
  for (const char* fragment : kHugeLineFragments) {
    const std::string small = repeated_line(fragment, 1 << 20), large = repeated_line(fragment, 8 << 20);
    const auto scan = [&](const std::string& console) {
      return [&] { kept_lines = scan_console(console, nonces({"kmod:0001"})).lines; };
    };
    const double t_small = least_cpu_seconds(scan(small)), t_large = least_cpu_seconds(scan(large));
    EXPECT_LE(t_large, 16 * std::max(t_small, 0.01))
        << "\"" << fragment << "\": " << t_small << " s for 1 MiB, " << t_large << " s for 8 MiB";
  }
}

}  // namespace
}  // namespace kmx
