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
constexpr std::array<Pattern, 13> kPatterns{{
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
}};

std::optional<std::string> marker_test(std::string_view line, std::string_view kind) {
  std::string needle = std::string(protocol::kConsoleMarker) + std::string(kind);
  auto pos = line.find(needle);
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(pos + needle.size());
  auto end = rest.find_first_of(" \t\r");
  return std::string(rest.substr(0, end));
}

}  // namespace

std::vector<std::string> split_console_lines(std::string_view console) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < console.size()) {
    size_t end = console.find('\n', start);
    if (end == std::string_view::npos) end = console.size();
    std::string_view line = console.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    start = end + 1;
  }
  return lines;
}

ConsoleSegments segment_console(const std::vector<std::string>& lines) {
  ConsoleSegments segments;
  std::vector<std::string>* current = &segments.before_tests;
  for (const auto& line : lines) {
    if (auto test = marker_test(line, protocol::kMarkerBegin)) current = &segments.per_test[*test];
    current->push_back(line);
  }
  return segments;
}

std::vector<ConsoleFinding> scan_console(const std::vector<std::string>& lines) {
  std::vector<ConsoleFinding> findings;
  for (const auto& line : lines) {
    for (const auto& p : kPatterns) {
      if (line.find(p.needle) == std::string::npos) continue;
      if (find_kind(findings, p.kind)) break;  // keep the first of each kind
      findings.push_back({p.kind, sanitize_guest_text(line)});
      break;
    }
  }
  return findings;
}

std::optional<ConsoleFinding> find_kind(const std::vector<ConsoleFinding>& findings, ConsoleEventKind kind) {
  for (const auto& f : findings)
    if (f.kind == kind) return f;
  return std::nullopt;
}

}  // namespace kmx
