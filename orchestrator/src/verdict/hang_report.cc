#include "verdict/hang_report.h"

#include <vector>

#include "verdict/agent_stream.h"

namespace kmx {
namespace {

constexpr std::size_t kFramesQuoted = 5;

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "[<0>] do_wait+0x1a/0x30" -> "do_wait+0x1a/0x30"; console frames may
// carry a "[  12.345] " timestamp and a "? " for unreliable entries.
std::string_view frame_of(std::string_view line) {
  line = trim(line);
  if (line.starts_with("[<")) {
    const auto close = line.find("] ");
    return close == std::string_view::npos ? std::string_view{} : trim(line.substr(close + 2));
  }
  if (line.starts_with("[")) {
    const auto close = line.find(']');
    if (close != std::string_view::npos) line = trim(line.substr(close + 1));
  }
  if (line.starts_with("? ")) return {};
  if (line.find("+0x") == std::string_view::npos) return {};
  return line;
}

// The header of entry `at` and up to kFramesQuoted frames after it.
std::string quote(const std::vector<std::string_view>& lines, std::size_t at, std::string_view header) {
  std::string frames;
  std::size_t kept = 0;
  for (std::size_t i = at + 1; i < lines.size() && kept < kFramesQuoted; ++i) {
    const std::string_view line = trim(lines[i]);
    if (line.starts_with("pid ") || line.find("task:") != std::string_view::npos) break;
    const std::string_view frame = frame_of(line);
    if (frame.empty()) continue;
    frames += std::string(kept++ ? " < " : "") + std::string(frame.substr(0, frame.find(' ')));
  }
  // The kernel pads "task:%-15.15s state:%c": one space is enough to read it.
  std::string text;
  for (char c : std::string(trim(header)) + (frames.empty() ? "" : "; stack: " + frames))
    if (c != ' ' || text.empty() || text.back() != ' ') text += c;
  return sanitize_guest_text(text, 400);
}

std::string from_agent(std::string_view dump) {
  const auto lines = lines_of(dump);
  std::size_t first = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with("pid ")) continue;
    if (lines[i].find(") state D ") != std::string_view::npos) return quote(lines, i, lines[i]);
    if (first == lines.size()) first = i;
  }
  return first < lines.size() ? quote(lines, first, lines[first]) : "";
}

std::string from_console(std::string_view sysrq) {
  const auto lines = lines_of(sysrq);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto task = lines[i].find("task:");
    if (task != std::string_view::npos && lines[i].find("state:D", task) != std::string_view::npos)
      return quote(lines, i, lines[i].substr(task));
  }
  return "";
}

}  // namespace

std::string sysrq_excerpt(std::string_view console, std::size_t from) {
  if (from >= console.size()) return "";
  std::size_t at = std::string_view::npos;
  for (std::string_view needle : {"sysrq: Show Blocked State", "sysrq: Show State"}) {
    const auto pos = console.find(needle, from);
    if (pos < at) at = pos;
  }
  if (at == std::string_view::npos) return "";
  const auto line_start = console.rfind('\n', at);
  at = line_start == std::string_view::npos ? 0 : line_start + 1;
  return std::string(console.substr(at, kMaxSysrqExcerptBytes));
}

std::string first_blocked_stack(std::string_view agent_dump, std::string_view sysrq_text) {
  const std::string console = from_console(sysrq_text);
  const std::string agent = from_agent(agent_dump);
  // A task the kernel saw in D state says more than a process merely asleep.
  if (agent.find(") state D ") != std::string::npos || console.empty()) return agent;
  return console;
}

}  // namespace kmx
