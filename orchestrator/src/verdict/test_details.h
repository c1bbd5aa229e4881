// Figures a test reports besides its verdict: "KMX-METRIC name=value" lines
// in its output, and /sys/kernel/debug/modules/stats before and after it.
// Pure functions of untrusted guest text.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kmx {

// At most kMaxMetrics names of [A-Za-z0-9_] (64 chars) with numeric values;
// anything else is ignored.
inline constexpr std::size_t kMaxMetrics = 200;
std::map<std::string, double> parse_metrics(const std::vector<std::string>& output_lines);

struct DuplicateFailure {
  std::string module;
  long long count = 0;
  std::string reason;
};

struct ModuleStats {
  std::map<std::string, long long> fields;  // "Mods ever loaded" -> 66
  std::vector<DuplicateFailure> duplicates;
};

// Parses kernel/module/stats.c's output: "<label> <tab> <number>" lines,
// then an optional "Duplicate failed modules:" table.
ModuleStats parse_module_stats(std::string_view text);

nlohmann::json to_json(const ModuleStats& stats);

// {"present": false} or {"present": true, "before": ..., "after": ...,
// "delta": after - before for every field in both}.
nlohmann::json module_stats_json(bool absent, std::string_view before, std::string_view after);

}  // namespace kmx
