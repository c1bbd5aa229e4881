#include "verdict/console_scan.h"

#include <array>

#include "kmx/protocol.h"
#include "verdict/agent_stream.h"

namespace kmx {
namespace {

enum class Match {
  kAnywhere,   // the needle anywhere in the line
  kWordStart,  // the needle not preceded by a letter, digit or '_' ("BUG:" but not "DEBUG:")
  kWarnSplat,  // kWordStart, and the rest of the line names a source location (file.c:123)
};

struct Pattern {
  ConsoleEventKind kind;
  std::string_view needle;
  Match match = Match::kAnywhere;
};

// Substrings the kernel prints verbatim (mm/oom_kill.c, kernel/panic.c,
// kernel/hung_task.c, kernel/watchdog.c, kernel/workqueue.c,
// arch/x86/mm/fault.c, kernel/rcu, lib/bug.c, kernel/panic.c __warn(),
// mm/kasan/report.c, lib/ubsan.c). A line counts once, for the first pattern
// it matches: lockups before KASAN before any other "BUG:".
constexpr std::array<Pattern, 19> kPatterns{{
    {ConsoleEventKind::kPanic, "Kernel panic - not syncing"},
    {ConsoleEventKind::kOom, "invoked oom-killer"},
    {ConsoleEventKind::kOom, "Out of memory: Killed process"},
    {ConsoleEventKind::kOom, "Out of memory and no killable processes"},
    {ConsoleEventKind::kOom, "Memory cgroup out of memory"},
    {ConsoleEventKind::kHang, "blocked for more than"},
    {ConsoleEventKind::kHang, "BUG: soft lockup"},
    {ConsoleEventKind::kHang, "self-detected stall on CPU"},  // rcu_sched, or rcu_preempt on PREEMPT kernels
    {ConsoleEventKind::kHang, "detected stalls on CPUs"},
    {ConsoleEventKind::kHang, "BUG: workqueue lockup"},
    {ConsoleEventKind::kKasan, "BUG: KASAN:", Match::kWordStart},
    {ConsoleEventKind::kUbsan, "UBSAN:", Match::kWordStart},
    {ConsoleEventKind::kOops, "BUG: unable to handle"},
    {ConsoleEventKind::kOops,
     "BUG: kernel NULL pointer dereference"},  // x86 prints this, not the above, below PAGE_SIZE
    {ConsoleEventKind::kOops, "general protection fault"},
    {ConsoleEventKind::kOops, "kernel BUG at"},
    // "BUG: scheduling while atomic", "BUG: sleeping function called from
    // invalid context", "BUG: Bad page state", "BUG: KFENCE: ...".
    {ConsoleEventKind::kOops, "BUG:", Match::kWordStart},
    // "WARNING: CPU: 1 PID: 42 at lib/foo.c:12 f+0x1/0x2 [mod]", the older
    // "WARNING: at lib/foo.c:12 f()", and "WARNING: lib/foo.c:12 at f+0x1/0x2"
    // all name file:line; lockdep's "WARNING: possible ... detected" does not.
    {ConsoleEventKind::kWarning, "WARNING:", Match::kWarnSplat},
    {ConsoleEventKind::kKmodThrottle, "cannot be processed, kmod busy with"},
}};

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// "name.c:123" (or .h, .rs, .S) somewhere in text.
bool names_source_location(std::string_view text) {
  for (std::size_t colon = text.find(':'); colon != std::string_view::npos; colon = text.find(':', colon + 1)) {
    if (colon + 1 >= text.size() || text[colon + 1] < '0' || text[colon + 1] > '9') continue;
    const std::string_view before = text.substr(0, colon);
    for (std::string_view ext : {".c", ".h", ".rs", ".S"})
      if (before.ends_with(ext) && before.size() > ext.size() && is_word_char(before[before.size() - ext.size() - 1]))
        return true;
  }
  return false;
}

// Linear in the line whatever it holds: the needle is searched once, and a
// splat's source location only after its first word-start occurrence. The
// text after any later occurrence is a suffix of that text, so it can name
// no location the first did not (a line of repeated "WARNING:" would
// otherwise be rescanned from each of them: quadratic).
bool matches(std::string_view line, const Pattern& p) {
  std::size_t pos = line.find(p.needle);
  if (p.match != Match::kAnywhere)
    while (pos != std::string_view::npos && pos > 0 && is_word_char(line[pos - 1])) pos = line.find(p.needle, pos + 1);
  if (pos == std::string_view::npos) return false;
  return p.match != Match::kWarnSplat || names_source_location(line.substr(pos + p.needle.size()));
}

// The test whose begin marker this line is, if it carries the nonce the
// agent reported for that test.
std::optional<std::string> begin_marker_test(std::string_view line,
                                             const std::map<std::string, std::string>& begin_nonces) {
  static const std::string kNeedle = std::string(protocol::kConsoleMarker) + std::string(protocol::kMarkerBegin);
  const auto pos = line.find(kNeedle);
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(pos + kNeedle.size());
  // Protocol 1 markers end after the id: their nonce is kProtocol1Nonce.
  const auto space = rest.find(' ');
  const std::string test(rest.substr(0, space));
  std::string_view nonce = space == std::string_view::npos ? kProtocol1Nonce : rest.substr(space + 1);
  nonce = nonce.substr(0, nonce.find_first_of(" \t\r"));
  auto it = begin_nonces.find(test);
  if (it == begin_nonces.end() || it->second != nonce) return std::nullopt;
  return test;
}

bool names_oom_victim(std::string_view line) {
  return line.find("Killed process") != std::string_view::npos &&
         (line.find("Out of memory") != std::string_view::npos || line.find("out of memory") != std::string_view::npos);
}

void record_finding(std::string_view line, ConsoleFindings& findings) {
  if (names_oom_victim(line) && !find_kind(findings, ConsoleEventKind::kOomVictim))
    findings.push_back({ConsoleEventKind::kOomVictim, sanitize_guest_text(line)});
  for (const auto& p : kPatterns) {
    if (!matches(line, p)) continue;
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

std::optional<ConsoleEventKind> console_line_kind(std::string_view line) {
  for (const auto& p : kPatterns)
    if (matches(line, p)) return p.kind;
  return std::nullopt;
}

const ConsoleFindings& findings_of(const ConsoleReport& report, const std::string& test) {
  static const ConsoleFindings kNone;
  auto it = report.per_test.find(test);
  return it == report.per_test.end() ? kNone : it->second;
}

std::string_view to_string(ConsoleEventKind kind) {
  switch (kind) {
    case ConsoleEventKind::kPanic:
      return "panic";
    case ConsoleEventKind::kOom:
      return "OOM";
    case ConsoleEventKind::kHang:
      return "hang";
    case ConsoleEventKind::kOops:
      return "oops";
    case ConsoleEventKind::kWarning:
      return "WARNING";
    case ConsoleEventKind::kKasan:
      return "KASAN report";
    case ConsoleEventKind::kUbsan:
      return "UBSAN report";
    case ConsoleEventKind::kKmodThrottle:
      return "request_module throttle";
    case ConsoleEventKind::kOomVictim:
      return "OOM victim";
  }
  return "?";
}

bool is_kernel_bug_report(ConsoleEventKind kind) {
  return kind == ConsoleEventKind::kOops || kind == ConsoleEventKind::kWarning || kind == ConsoleEventKind::kKasan ||
         kind == ConsoleEventKind::kUbsan;
}

std::optional<ConsoleFinding> first_bug_report(const ConsoleFindings& findings) {
  for (const auto& f : findings)
    if (is_kernel_bug_report(f.kind)) return f;
  return std::nullopt;
}

std::optional<ConsoleFinding> find_kind(const ConsoleFindings& findings, ConsoleEventKind kind) {
  for (const auto& f : findings)
    if (f.kind == kind) return f;
  return std::nullopt;
}

}  // namespace kmx
