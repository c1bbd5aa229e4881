// verdict/console_scan: one pass over untrusted console text; only markers
// whose nonce the agent reported cut it into per-test segments.
#include "verdict/console_scan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"

namespace kmx {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace kmx::testing;

const std::string kOomLine = "[   41.301122] Out of memory: Killed process 312 (modprobe) total-vm:6508kB, anon-rss:1024kB, "
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
  EXPECT_EQ(r.whole.size(), 4u);
}

TEST(ConsoleScan, FindsFirstLineOfEachKindAndDropsCarriageReturns) {
  const ConsoleReport r = scan_console(kOomLine + "\r\n[   41.4] bash invoked oom-killer: gfp_mask=0x140cca\n" + kHungLine +
                                           "\n" + kPanicLine + "\n" + kOopsLine,
                                       {});
  ASSERT_EQ(r.before_tests.size(), 4u);
  EXPECT_EQ(find_kind(r.before_tests, ConsoleEventKind::kOom)->line, kOomLine);
  EXPECT_THAT(find_kind(r.before_tests, ConsoleEventKind::kPanic)->line, HasSubstr("sysrq triggered crash"));
  EXPECT_THAT(find_kind(r.before_tests, ConsoleEventKind::kOops)->line, HasSubstr("NULL pointer"));
}

TEST(ConsoleScan, CleanConsoleHasNoFindings) {
  const ConsoleReport r = scan_console("[    3.3] reboot: Power down\n" + begin_marker("kmod:0001"), nonces({"kmod:0001"}));
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
  const ConsoleReport r =
      scan_console(begin_marker("kmod:0001") + "[ 5.3] kmod-matrix: begin kmod:0002\n" +
                       "[ 5.4] test_kmod: kmod-matrix: begin kmod:0002 0123456789abcdef\n" + kOopsLine + "\n" +
                       begin_marker("kmod:0002"),
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

// Issue 14: 64 MiB of newlines made the old split peak at 4.26 GB. The scan
// keeps no line: it counts them and keeps nothing but findings.
TEST(ConsoleScan, MillionsOfEmptyLinesAreCountedNotKept) {
  const std::string newlines(8 << 20, '\n');
  const ConsoleReport r = scan_console(newlines + kPanicLine, {});
  EXPECT_EQ(r.lines, (8u << 20) + 1);
  EXPECT_TRUE(find_kind(r.whole, ConsoleEventKind::kPanic));
}

}  // namespace
}  // namespace kmx
