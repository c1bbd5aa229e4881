// Reads the kernel console: cuts it into per-test segments at the agent's
// markers and finds the lines that decide a verdict (panic, OOM, hang, oops).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmx {

enum class ConsoleEventKind { kPanic, kOom, kHang, kOops };

struct ConsoleFinding {
  ConsoleEventKind kind;
  std::string line;  // sanitized evidence
};

struct ConsoleSegments {
  std::vector<std::string> before_tests;  // boot messages
  // From a test's begin marker up to the next test's begin marker (or the
  // end), so a crash right after a test ends is charged to that test.
  std::map<std::string, std::vector<std::string>> per_test;
};

std::vector<std::string> split_console_lines(std::string_view console);
ConsoleSegments segment_console(const std::vector<std::string>& lines);

// The first finding of each kind, in console order.
std::vector<ConsoleFinding> scan_console(const std::vector<std::string>& lines);

// The first finding of the given kind, if any.
std::optional<ConsoleFinding> find_kind(const std::vector<ConsoleFinding>& findings, ConsoleEventKind kind);

}  // namespace kmx
