#include "verdict/console_scan.h"

#include <array>

#include "kmx/protocol.h"
#include "verdict/agent_stream.h"

namespace kmx {
namespace {

struct Pattern {
  ConsoleEventKind kind;
  std::string_view needle;
};

// Substrings the kernel prints verbatim (mm/oom_kill.c, kernel/panic.c,
// kernel/hung_task.c, kernel/watchdog.c, arch/x86/mm/fault.c, kernel/rcu).
constexpr std::array<Pattern, 14> kPatterns{{
    {ConsoleEventKind::kPanic, "Kernel panic - not syncing"},
    {ConsoleEventKind::kOom, "invoked oom-killer"},
    {ConsoleEventKind::kOom, "Out of memory: Killed process"},
    {ConsoleEventKind::kOom, "Out of memory and no killable processes"},
    {ConsoleEventKind::kOom, "Memory cgroup out of memory"},
    {ConsoleEventKind::kHang, "blocked for more than"},
    {ConsoleEventKind::kHang, "BUG: soft lockup"},
    {ConsoleEventKind::kHang, "self-detected stall on CPU"},  // rcu_sched, or rcu_preempt on PREEMPT kernels
    {ConsoleEventKind::kHang, "detected stalls on CPUs"},
    {ConsoleEventKind::kOops, "BUG: unable to handle"},
    {ConsoleEventKind::kOops, "BUG: kernel NULL pointer dereference"},  // x86 prints this, not the above, below PAGE_SIZE
    {ConsoleEventKind::kOops, "general protection fault"},
    {ConsoleEventKind::kOops, "kernel BUG at"},
    {ConsoleEventKind::kKmodThrottle, "cannot be processed, kmod busy with"},
}};

// The test whose begin marker this line is, if it carries the nonce the
// agent reported for that test.
std::optional<std::string> begin_marker_test(std::string_view line,
                                             const std::map<std::string, std::string>& begin_nonces) {
  static const std::string kNeedle = std::string(protocol::kConsoleMarker) + std::string(protocol::kMarkerBegin);
  const auto pos = line.find(kNeedle);
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(pos + kNeedle.size());
  const auto space = rest.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string test(rest.substr(0, space));
  std::string_view nonce = rest.substr(space + 1);
  nonce = nonce.substr(0, nonce.find_first_of(" \t\r"));
  auto it = begin_nonces.find(test);
  if (it == begin_nonces.end() || it->second != nonce) return std::nullopt;
  return test;
}

void record_finding(std::string_view line, ConsoleFindings& findings) {
  for (const auto& p : kPatterns) {
    if (line.find(p.needle) == std::string_view::npos) continue;
    if (!find_kind(findings, p.kind)) findings.push_back({p.kind, sanitize_guest_text(line)});
    return;
  }
}

}  // namespace

ConsoleReport scan_console(std::string_view console, const std::map<std::string, std::string>& begin_nonces) {
  ConsoleReport report;
  ConsoleFindings* current = &report.before_tests;
  std::size_t start = 0;
  while (start < console.size()) {
    std::size_t end = console.find('\n', start);
    if (end == std::string_view::npos) end = console.size();
    std::string_view line = console.substr(start, end - start);
    start = end + 1;
    ++report.lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (auto test = begin_marker_test(line, begin_nonces); test && !report.per_test.count(*test))
      current = &report.per_test[*test];
    record_finding(line, *current);
    record_finding(line, report.whole);
  }
  return report;
}

const ConsoleFindings& findings_of(const ConsoleReport& report, const std::string& test) {
  static const ConsoleFindings kNone;
  auto it = report.per_test.find(test);
  return it == report.per_test.end() ? kNone : it->second;
}

std::optional<ConsoleFinding> find_kind(const ConsoleFindings& findings, ConsoleEventKind kind) {
  for (const auto& f : findings)
    if (f.kind == kind) return f;
  return std::nullopt;
}

}  // namespace kmx
