#include "verdict/oom_report.h"

#include <charconv>

#include "verdict/agent_stream.h"

namespace kmx {
namespace {

// The decimal number at the start of text, if any.
std::optional<long long> leading_number(std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || value < 0) return std::nullopt;
  return value;
}

std::optional<long long> kib_after(std::string_view line, std::string_view label) {
  const auto at = line.find(label);
  if (at == std::string_view::npos) return std::nullopt;
  return leading_number(line.substr(at + label.size()));
}

}  // namespace

std::optional<OomKill> parse_oom_victim(std::string_view line) {
  constexpr std::string_view kKilled = "Killed process ";
  const auto at = line.find(kKilled);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at + kKilled.size());
  OomKill out;
  out.pid = leading_number(rest);
  const auto open = rest.find('(');
  const auto close = rest.find(") ", open == std::string_view::npos ? 0 : open);
  // A comm is at most 15 characters; a guest may make it anything.
  if (open != std::string_view::npos && close != std::string_view::npos)
    out.victim = sanitize_guest_text(rest.substr(open + 1, close - open - 1), 32);
  out.total_vm_kib = kib_after(rest, "total-vm:");
  out.anon_rss_kib = kib_after(rest, "anon-rss:");
  out.file_rss_kib = kib_after(rest, "file-rss:");
  out.shmem_rss_kib = kib_after(rest, "shmem-rss:");
  if (out.victim.empty() && !out.pid) return std::nullopt;
  return out;
}

}  // namespace kmx
