// Reads the kernel console: cuts it into per-test segments at the agent's
// markers and finds the lines that decide a verdict (panic, OOM, hang, oops).
// One pass over the text, no copy of its lines: time and memory are linear in
// the (capped) console whatever the guest printed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmx {

enum class ConsoleEventKind {
  kPanic,
  kOom,
  kHang,
  kOops,     // "BUG: ..." (other than KASAN and lockups), "kernel BUG at", general protection fault
  kWarning,  // a WARN() splat: "WARNING: CPU: 1 PID: 2 at lib/foo.c:12 ..." (not a panic unless panic_on_warn)
  kKasan,    // "BUG: KASAN: slab-out-of-bounds in ..."
  kUbsan,    // "UBSAN: array-index-out-of-bounds in ..."
  // No crash: the kernel refused a request_module() because 50 were already
  // running for 5 s. It explains a FAIL (kmod.sh 0008/0009 on slow guests)
  // and is quoted beside the test's own evidence.
  kKmodThrottle,
  // "Out of memory: Killed process 311 (modprobe) total-vm:...kB, anon-rss:...":
  // names the OOM killer's victim. Found beside kOom, which the first line
  // of the report ("... invoked oom-killer") already sets.
  kOomVictim,
};

// A short name for evidence ("oops", "WARNING", "KASAN report", ...).
std::string_view to_string(ConsoleEventKind kind);

// True for the kinds that report a kernel bug without stopping the kernel
// (oops, WARNING, KASAN, UBSAN): a test that otherwise passed FAILs.
bool is_kernel_bug_report(ConsoleEventKind kind);

struct ConsoleFinding {
  ConsoleEventKind kind;
  std::string line;  // sanitized evidence
};

// The first finding of each kind, in console order.
using ConsoleFindings = std::vector<ConsoleFinding>;

struct ConsoleReport {
  ConsoleFindings before_tests;  // boot messages, before the first accepted marker
  // From a test's begin marker up to the next test's begin marker (or the
  // end), so a crash right after a test ends, or after the agent died, is
  // charged to that test.
  std::map<std::string, ConsoleFindings> per_test;
  ConsoleFindings whole;  // over the whole console, ignoring markers
  std::size_t lines = 0;
};

// begin_nonces: test id -> the nonce the agent reported for its begin
// marker. A line is a boundary only if it carries "kmod-matrix: begin <id>
// <nonce>" with the reported nonce, and only the first such line counts: a
// test that echoes a marker it read from the kernel log moves nothing.
// kProtocol1Nonce (empty) stands for a protocol 1 marker, which ended after
// the id: AgentStream never reports it (is_marker_nonce rejects it), only
// callers replaying logs recorded with protocol 1 pass it (the corpus).
inline constexpr std::string_view kProtocol1Nonce = "";

ConsoleReport scan_console(std::string_view console, const std::map<std::string, std::string>& begin_nonces);

// The findings of one segment (empty when the test has no segment).
const ConsoleFindings& findings_of(const ConsoleReport& report, const std::string& test);

// The kind of the first pattern one console line matches (kOomVictim aside),
// for callers that watch the console as it comes.
std::optional<ConsoleEventKind> console_line_kind(std::string_view line);

// The first finding of the given kind, if any.
std::optional<ConsoleFinding> find_kind(const ConsoleFindings& findings, ConsoleEventKind kind);

// The first kernel bug report (is_kernel_bug_report) in console order, if any.
std::optional<ConsoleFinding> first_bug_report(const ConsoleFindings& findings);

}  // namespace kmx
