// The host-guest contract, shared by the agent and the orchestrator.
// docs/agent-protocol.md describes it in prose; change both together.
#pragma once

#include <cstddef>
#include <string_view>

namespace kmx::protocol {

// Bumped on any incompatible change to the event format.
// 2: begin/end markers carry a nonce, reported by a "marker" event.
inline constexpr int kVersion = 2;

// Event names ("ev" field of each JSON line on the agent channel).
inline constexpr std::string_view kEventBoot = "boot";
inline constexpr std::string_view kEventTestStart = "test-start";
inline constexpr std::string_view kEventOutput = "output";
inline constexpr std::string_view kEventTestEnd = "test-end";
inline constexpr std::string_view kEventDone = "done";
// After `done` the agent waits this long for the host to destroy the VM
// before it powers the guest off itself.
inline constexpr unsigned kPowerOffAfterDoneS = 10;
inline constexpr std::string_view kEventMarker = "marker";  // {"test", "kind": "begin"|"end", "nonce"}
inline constexpr std::string_view kEventError = "error";
// Added within protocol 2 (a host that predates them counts them as garbage):
// {"test", "t", "avail", "slab", "vmalloc", "committed", "oom_kills", "procs"}
inline constexpr std::string_view kEventSample = "sample";
// {"test", "text"}: blocked tasks and kernel stacks, before a kill at the limit.
inline constexpr std::string_view kEventHangDump = "hang-dump";

// Written to /dev/kmsg around every test so the console can be cut per test:
// "kmod-matrix: begin <test> <nonce>". The nonce is fresh from /dev/urandom
// for each marker and reported on the agent channel only after the write, so
// a test cannot forge a marker the host accepts.
inline constexpr std::string_view kConsoleMarker = "kmod-matrix: ";
inline constexpr std::string_view kMarkerBegin = "begin ";
inline constexpr std::string_view kMarkerEnd = "end ";
inline constexpr std::string_view kMarkerKindBegin = "begin";  // "kind" of a marker event
inline constexpr std::string_view kMarkerKindEnd = "end";
inline constexpr std::size_t kMarkerNonceBytes = 8;  // 16 hex digits
// The console log level the host asks for (loglevel= on the command line);
// the agent restores it before each marker, so a test that lowered it cannot
// keep the next markers off the console.
inline constexpr int kConsoleLogLevel = 7;

// Kernel command line parameters the agent reads.
inline constexpr std::string_view kParamTests = "kmx.tests=";      // comma-separated test ids
inline constexpr std::string_view kParamTimeout = "kmx.timeout=";  // per-test limit, seconds

// Guest devices: ttyS0 carries the kernel console, ttyS1 the agent events.
inline constexpr std::string_view kAgentDevice = "/dev/ttyS1";

// Where the image puts each suite's files.
inline constexpr std::string_view kKmodSuiteDir = "/usr/share/kmod-matrix/kmod";

// Module loader statistics, captured before and after every test.
inline constexpr std::string_view kModuleStatsPath = "/sys/kernel/debug/modules/stats";
inline constexpr std::size_t kMaxModuleStatsBytes = 64 * 1024;

// Memory samples while a test runs: every kFastSampleMs for its first
// kFastSampleSeconds (short tests and early OOMs), then every kSampleMs.
inline constexpr int kFastSampleMs = 250;
inline constexpr int kFastSampleSeconds = 10;
inline constexpr int kSampleMs = 1000;

// A hang dump (hang-dump event) is cut here.
inline constexpr std::size_t kMaxHangDumpBytes = 128 * 1024;

// Our own suites: "ns:import" runs <kSuitesDir>/ns-import.sh.
inline constexpr std::string_view kSuitesDir = "/usr/share/kmod-matrix/suites";

// A test output line "KMX-METRIC name=value" is a figure for results.json.
inline constexpr std::string_view kMetricPrefix = "KMX-METRIC ";

// kselftest's exit code for "skipped".
inline constexpr int kSkipExitCode = 4;

// Longest output line the agent forwards; longer lines are cut.
inline constexpr std::size_t kMaxOutputLine = 4096;

}  // namespace kmx::protocol
