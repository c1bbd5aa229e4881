// guest-agent kernel_marker: the agent's markers are exactly what the host's
// console scanner accepts, and their nonces cannot be guessed.
#include "kernel_marker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "kmx/protocol.h"
#include "verdict/agent_stream.h"
#include "verdict/console_scan.h"

namespace kmx {
namespace {

TEST(KernelMarker, NoncesAreFreshHexOfTheProtocolLength) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string nonce = agent::random_marker_nonce();
    EXPECT_EQ(nonce.size(), 2 * protocol::kMarkerNonceBytes);
    EXPECT_TRUE(is_marker_nonce(nonce)) << nonce;
    seen.insert(nonce);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(KernelMarker, RecordIsALevelSixKmsgLine) {
  EXPECT_EQ(agent::kernel_marker_record("begin", "kmod:0001", "00112233445566ff"),
            "<6>kmod-matrix: begin kmod:0001 00112233445566ff\n");
}

// The contract across both sides: the console line the kernel prints for the
// agent's record, with the nonce the agent reported, is a boundary.
TEST(KernelMarker, HostAcceptsTheAgentsMarkerAsPrintedOnTheConsole) {
  const std::string nonce = agent::random_marker_nonce();
  std::string record = agent::kernel_marker_record(protocol::kMarkerKindBegin, "ns:import", nonce);
  const std::string console = "[    4.200000] " + record.substr(3) +  // the kernel drops "<6>" and adds a time
                              "[    4.300000] Kernel panic - not syncing: X\n";
  const ConsoleReport r = scan_console(console, {{"ns:import", nonce}});
  EXPECT_TRUE(find_kind(findings_of(r, "ns:import"), ConsoleEventKind::kPanic));
  EXPECT_TRUE(r.before_tests.empty());
}

}  // namespace
}  // namespace kmx
