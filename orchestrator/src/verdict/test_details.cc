#include "verdict/test_details.h"

#include <charconv>
#include <regex>
#include <sstream>

#include "kmx/protocol.h"
#include "verdict/agent_stream.h"

namespace kmx {
namespace {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

bool parse_integer(std::string_view text, long long& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::map<std::string, double> parse_metrics(const std::vector<std::string>& output_lines) {
  static const std::regex kMetric(R"(([A-Za-z0-9_]{1,64})=(-?[0-9]{1,18}(?:\.[0-9]{1,9})?))");
  std::map<std::string, double> metrics;
  for (const auto& line : output_lines) {
    if (!line.starts_with(protocol::kMetricPrefix) || line.size() > 200) continue;
    std::smatch m;
    const std::string rest = line.substr(protocol::kMetricPrefix.size());
    if (!std::regex_match(rest, m, kMetric)) continue;
    if (metrics.size() >= kMaxMetrics && !metrics.count(m[1])) continue;
    metrics[m[1]] = std::stod(m[2]);
  }
  return metrics;
}

ModuleStats parse_module_stats(std::string_view text) {
  ModuleStats stats;
  bool in_duplicates = false;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (line.find("Duplicate failed modules:") != std::string::npos) {
      in_duplicates = true;
      continue;
    }
    if (in_duplicates) {
      std::istringstream words(line);
      DuplicateFailure d;
      std::string count;
      if (!(words >> d.module >> count) || d.module == "Module-name") continue;
      if (!parse_integer(count, d.count)) continue;
      std::getline(words, d.reason);
      d.reason = sanitize_guest_text(trim(d.reason), 64);
      d.module = sanitize_guest_text(d.module, 64);
      stats.duplicates.push_back(d);
      continue;
    }
    const auto split = line.find_last_of(" \t");
    if (split == std::string::npos) continue;
    long long value = 0;
    const std::string label = trim(std::string_view(line).substr(0, split));
    if (label.empty() || label.size() > 64 || !parse_integer(trim(std::string_view(line).substr(split + 1)), value))
      continue;
    stats.fields[sanitize_guest_text(label, 64)] = value;
  }
  return stats;
}

nlohmann::json to_json(const ModuleStats& stats) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [k, v] : stats.fields) fields[k] = v;
  nlohmann::json dups = nlohmann::json::array();
  for (const auto& d : stats.duplicates)
    dups.push_back({{"module", d.module}, {"count", d.count}, {"reason", d.reason}});
  return {{"fields", fields}, {"duplicates", dups}};
}

nlohmann::json module_stats_json(bool absent, std::string_view before, std::string_view after) {
  if (absent) return {{"present", false}, {"why", "no /sys/kernel/debug/modules/stats (CONFIG_MODULE_STATS unset)"}};
  const ModuleStats b = parse_module_stats(before);
  const ModuleStats a = parse_module_stats(after);
  nlohmann::json delta = nlohmann::json::object();
  for (const auto& [k, v] : a.fields) {
    // Guest numbers span all of long long: a difference that does not fit is left out.
    long long difference = 0;
    if (auto it = b.fields.find(k); it != b.fields.end() && !__builtin_sub_overflow(v, it->second, &difference))
      delta[k] = difference;
  }
  return {{"present", true}, {"before", to_json(b)}, {"after", to_json(a)}, {"delta", delta}};
}

}  // namespace kmx
