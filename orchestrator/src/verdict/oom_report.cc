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

void add_kib(nlohmann::json& out, std::string_view line, std::string_view label, const char* key) {
  const auto at = line.find(label);
  if (at == std::string_view::npos) return;
  if (auto kib = leading_number(line.substr(at + label.size()))) out[key] = *kib;
}

}  // namespace

nlohmann::json parse_oom_victim(std::string_view line) {
  constexpr std::string_view kKilled = "Killed process ";
  const auto at = line.find(kKilled);
  if (at == std::string_view::npos) return nlohmann::json::object();
  std::string_view rest = line.substr(at + kKilled.size());
  nlohmann::json out = nlohmann::json::object();
  if (auto pid = leading_number(rest)) out["pid"] = *pid;
  const auto open = rest.find('(');
  const auto close = rest.find(") ", open == std::string_view::npos ? 0 : open);
  // A comm is at most 15 characters; a guest may make it anything.
  if (open != std::string_view::npos && close != std::string_view::npos)
    out["victim"] = sanitize_guest_text(rest.substr(open + 1, close - open - 1), 32);
  add_kib(out, rest, "total-vm:", "total_vm_kib");
  add_kib(out, rest, "anon-rss:", "anon_rss_kib");
  add_kib(out, rest, "file-rss:", "file_rss_kib");
  add_kib(out, rest, "shmem-rss:", "shmem_rss_kib");
  return out;
}

}  // namespace kmx
