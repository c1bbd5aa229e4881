#include "verdict/test_details.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>
#include <sstream>

#include "kmx/protocol.h"
#include "text/text_escape.h"
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

ModuleStatsRecord module_stats_record(bool absent, std::string_view before, std::string_view after) {
  ModuleStatsRecord record;
  if (absent) {
    record.why = "no /sys/kernel/debug/modules/stats (CONFIG_MODULE_STATS unset)";
    return record;
  }
  record.present = true;
  record.before = parse_module_stats(before);
  record.after = parse_module_stats(after);
  for (const auto& [k, v] : record.after.fields) {
    // Guest numbers span all of long long: a difference that does not fit is left out.
    long long difference = 0;
    if (auto it = record.before.fields.find(k);
        it != record.before.fields.end() && !__builtin_sub_overflow(v, it->second, &difference))
      record.delta[k] = difference;
  }
  return record;
}

namespace {

using nlohmann::json;

// What read_test_details keeps of a map or list read back.
constexpr std::size_t kMaxFields = 200;

// --- writing ---------------------------------------------------------------

json figure(double value) {
  // Counts stay integers in results.json.
  if (value == static_cast<double>(static_cast<long long>(value))) return static_cast<long long>(value);
  return value;
}

json module_stats_json(const ModuleStats& stats) {
  json fields = json::object();
  for (const auto& [k, v] : stats.fields) fields[k] = v;
  json dups = json::array();
  for (const auto& d : stats.duplicates)
    dups.push_back({{"module", d.module}, {"count", d.count}, {"reason", d.reason}});
  return {{"fields", fields}, {"duplicates", dups}};
}

json module_stats_json(const ModuleStatsRecord& record) {
  if (!record.present) return {{"present", false}, {"why", record.why}};
  json delta = json::object();
  for (const auto& [k, v] : record.delta) delta[k] = v;
  return {{"present", true},
          {"before", module_stats_json(record.before)},
          {"after", module_stats_json(record.after)},
          {"delta", delta}};
}

json memory_json(const MemoryCurve& curve) {
  auto known = [](const std::optional<long long>& v) { return v ? json(*v) : json(); };
  json samples = json::array();
  for (const auto& s : curve.samples) {
    json sample = {{"t", s.t}, {"avail", s.avail}};
    for (const auto& [key, value] : {std::pair{"slab", &s.slab},
                                     {"vmalloc", &s.vmalloc},
                                     {"committed", &s.committed},
                                     {"oom_kills", &s.oom_kills},
                                     {"procs", &s.procs}})
      if (*value) sample[key] = **value;
    samples.push_back(std::move(sample));
  }
  json memory = {{"interval_ms", curve.interval_ms},
                 {"samples", samples},
                 {"min_available_kib", known(curve.min_available_kib)},
                 {"peak_processes", known(curve.peak_processes)}};
  if (curve.first_oom_kill_s) memory["first_oom_kill_s"] = *curve.first_oom_kill_s;
  return memory;
}

json oom_json(const OomKill& kill) {
  json oom = json::object();
  if (!kill.victim.empty()) oom["victim"] = kill.victim;
  for (const auto& [key, value] : {std::pair{"pid", &kill.pid},
                                   {"total_vm_kib", &kill.total_vm_kib},
                                   {"anon_rss_kib", &kill.anon_rss_kib},
                                   {"file_rss_kib", &kill.file_rss_kib},
                                   {"shmem_rss_kib", &kill.shmem_rss_kib}})
    if (*value) oom[key] = **value;
  return oom;
}

json hang_json(const HangDump& hang) {
  json j = {{"first_blocked", hang.first_blocked}};
  if (!hang.dump.empty()) j["dump"] = hang.dump;
  return j;
}

// --- reading ---------------------------------------------------------------

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const json& object_member(const json& object, const char* key) {
  static const json none;
  const json* value = member(object, key);
  return value && value->is_object() ? *value : none;
}

// Beyond 2^53 a double no longer holds every integer: such a value is not a
// count of anything a guest did.
constexpr double kLargestCount = 9007199254740992.0;

std::optional<double> finite(const json& value) {
  if (!value.is_number()) return std::nullopt;
  const double d = value.get<double>();
  if (!std::isfinite(d) || std::fabs(d) > kLargestCount) return std::nullopt;
  return d;
}

std::optional<double> number(const json& object, const char* key) {
  const json* value = member(object, key);
  return value ? finite(*value) : std::nullopt;
}

std::optional<long long> whole(const json& value) {
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<unsigned long long>() > static_cast<unsigned long long>(kLargestCount))
      return std::nullopt;
    const long long n = value.get<long long>();
    if (std::fabs(static_cast<double>(n)) > kLargestCount) return std::nullopt;
    return n;
  }
  if (auto d = finite(value)) return std::llround(*d);
  return std::nullopt;
}

std::optional<long long> whole_number(const json& object, const char* key) {
  const json* value = member(object, key);
  return value ? whole(*value) : std::nullopt;
}

// Guest text bounded for one field: the first kMaxDetailText bytes, cut at a
// UTF-8 boundary, then "...".
std::string text(const json& object, const char* key) {
  const json* value = member(object, key);
  return value && value->is_string() ? shorten(value->get<std::string>(), kMaxDetailText) : "";
}

std::map<std::string, long long> counters(const json& object) {
  std::map<std::string, long long> out;
  if (!object.is_object()) return out;
  for (const auto& [key, value] : object.items()) {
    if (out.size() == kMaxFields) break;
    if (auto n = whole(value); n && key.size() <= 64) out[key] = *n;
  }
  return out;
}

ModuleStats module_stats_from(const json& j) {
  ModuleStats stats;
  stats.fields = counters(object_member(j, "fields"));
  if (const json* dups = member(j, "duplicates"); dups && dups->is_array())
    for (const auto& d : *dups) {
      if (stats.duplicates.size() == kMaxFields) break;
      if (!d.is_object()) continue;
      stats.duplicates.push_back({text(d, "module"), whole_number(d, "count").value_or(0), text(d, "reason")});
    }
  return stats;
}

std::optional<ModuleStatsRecord> module_stats_from_entry(const json& entry) {
  const json& j = object_member(entry, "module_stats");
  const json* present = member(j, "present");
  if (!present || !present->is_boolean()) return std::nullopt;
  ModuleStatsRecord record;
  record.present = present->get<bool>();
  record.why = text(j, "why");
  if (record.present) {
    record.before = module_stats_from(object_member(j, "before"));
    record.after = module_stats_from(object_member(j, "after"));
    record.delta = counters(object_member(j, "delta"));
  }
  return record;
}

std::map<std::string, double> metrics_from(const json& entry) {
  std::map<std::string, double> metrics;
  const json& j = object_member(entry, "metrics");
  if (!j.is_object()) return metrics;
  for (const auto& [name, value] : j.items()) {
    if (metrics.size() == kMaxMetrics) break;
    if (auto n = finite(value); n && !name.empty() && name.size() <= 64) metrics[name] = *n;
  }
  return metrics;
}

std::optional<Iterations> iterations_from(const json& entry) {
  const json& j = object_member(entry, "iterations");
  const auto planned = whole_number(j, "planned");
  if (!planned || *planned < 1) return std::nullopt;
  Iterations it;
  it.planned = *planned;
  if (auto failed_at = whole_number(j, "failed_at"); failed_at && *failed_at >= 1)
    it.failed_at = std::min(*failed_at, it.planned);
  // passed is failed_at - 1 when a round failed; trust it only within bounds.
  const long long fallback = it.failed_at ? *it.failed_at - 1 : 0;
  it.passed = std::clamp(whole_number(j, "passed").value_or(fallback), 0LL, it.planned);
  return it;
}

std::optional<MemoryPoint> sample_from(const json& j) {
  const auto t = number(j, "t");
  const auto avail = whole_number(j, "avail");
  if (!t || !avail) return std::nullopt;
  MemoryPoint s;
  s.t = *t;
  s.avail = *avail;
  s.slab = whole_number(j, "slab");
  s.vmalloc = whole_number(j, "vmalloc");
  s.committed = whole_number(j, "committed");
  s.oom_kills = whole_number(j, "oom_kills");
  s.procs = whole_number(j, "procs");
  return s;
}

std::optional<MemoryCurve> memory_from(const json& entry) {
  const json& j = object_member(entry, "memory");
  if (j.is_null()) return std::nullopt;
  MemoryCurve curve;
  curve.interval_ms = std::max(0LL, whole_number(j, "interval_ms").value_or(0));
  if (const json* samples = member(j, "samples"); samples && samples->is_array())
    for (const auto& s : *samples) {
      if (curve.samples.size() == kMaxMemorySamples) break;
      if (auto sample = sample_from(s)) curve.samples.push_back(*sample);
    }
  std::stable_sort(curve.samples.begin(), curve.samples.end(),
                   [](const MemoryPoint& a, const MemoryPoint& b) { return a.t < b.t; });
  curve.min_available_kib = whole_number(j, "min_available_kib");
  curve.peak_processes = whole_number(j, "peak_processes");
  curve.first_oom_kill_s = number(j, "first_oom_kill_s");
  // Older producers or a cut file: what the samples themselves say.
  if (!curve.samples.empty()) {
    const auto by_avail = [](const MemoryPoint& a, const MemoryPoint& b) { return a.avail < b.avail; };
    const auto by_procs = [](const MemoryPoint& a, const MemoryPoint& b) { return a.procs < b.procs; };
    if (!curve.min_available_kib)
      curve.min_available_kib = std::min_element(curve.samples.begin(), curve.samples.end(), by_avail)->avail;
    if (!curve.peak_processes)
      curve.peak_processes = std::max_element(curve.samples.begin(), curve.samples.end(), by_procs)->procs;
  }
  if (curve.samples.empty() && !curve.min_available_kib && !curve.peak_processes) return std::nullopt;
  return curve;
}

std::optional<OomKill> oom_from(const json& entry) {
  const json& j = object_member(entry, "oom");
  if (j.is_null()) return std::nullopt;
  OomKill kill;
  kill.victim = text(j, "victim");
  kill.pid = whole_number(j, "pid");
  kill.total_vm_kib = whole_number(j, "total_vm_kib");
  kill.anon_rss_kib = whole_number(j, "anon_rss_kib");
  kill.file_rss_kib = whole_number(j, "file_rss_kib");
  kill.shmem_rss_kib = whole_number(j, "shmem_rss_kib");
  if (kill.victim.empty() && kill.pid.value_or(0) == 0) return std::nullopt;
  return kill;
}

std::optional<HangDump> hang_from(const json& entry) {
  const json& j = object_member(entry, "hang");
  if (j.is_null()) return std::nullopt;
  HangDump hang{text(j, "dump"), text(j, "first_blocked")};
  if (hang.dump.empty() && hang.first_blocked.empty()) return std::nullopt;
  return hang;
}

}  // namespace

json test_details_json(const TestDetails& d) {
  json out = json::object();
  if (!d.metrics.empty()) {
    json metrics = json::object();
    for (const auto& [name, value] : d.metrics) metrics[name] = figure(value);
    out["metrics"] = metrics;
  }
  if (d.module_stats) out["module_stats"] = module_stats_json(*d.module_stats);
  if (d.iterations) out["iterations"] = iterations_json(*d.iterations);
  if (d.memory) out["memory"] = memory_json(*d.memory);
  if (d.oom) out["oom"] = oom_json(*d.oom);
  if (d.hang) out["hang"] = hang_json(*d.hang);
  return out;
}

void write_test_details(const TestDetails& details, json& test_entry) {
  test_entry["metrics"] = json::object();
  test_entry["module_stats"] = json::object();
  json set = test_details_json(details);  // named: items() would outlive a temporary
  for (auto& [key, value] : set.items()) test_entry[key] = std::move(value);
}

TestDetails read_test_details(const json& entry) {
  TestDetails d;
  d.metrics = metrics_from(entry);
  d.module_stats = module_stats_from_entry(entry);
  d.iterations = iterations_from(entry);
  d.memory = memory_from(entry);
  d.oom = oom_from(entry);
  d.hang = hang_from(entry);
  return d;
}

std::optional<DuplicateLoadWaste> duplicate_load_waste(const TestDetails& details) {
  if (!details.module_stats || !details.module_stats->present) return std::nullopt;
  const auto& delta = details.module_stats->delta;
  DuplicateLoadWaste waste;
  for (const char* field : kFailedLoadFields)
    if (auto it = delta.find(field); it != delta.end()) {
      waste.by_field[field] = it->second;
      waste.failed_loads += it->second;
    }
  if (auto it = delta.find(kWastedBytesField); it != delta.end()) {
    waste.by_field[kWastedBytesField] = it->second;
    waste.wasted_bytes = it->second;
  }
  if (waste.by_field.empty()) return std::nullopt;
  return waste;
}

nlohmann::json iterations_json(const Iterations& it) {
  return {{"planned", it.planned},
          {"passed", it.passed},
          {"failed_at", it.failed_at ? nlohmann::json(*it.failed_at) : nlohmann::json()}};
}

std::string iterations_text(const Iterations& it) {
  std::string out = std::to_string(it.passed) + "/" + std::to_string(it.planned) + " passed";
  if (it.failed_at) out += ", failed at round " + std::to_string(*it.failed_at);
  return out;
}

}  // namespace kmx
