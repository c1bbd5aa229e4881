#include "results/test_details_view.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "os/contained_files.h"
#include "results/report_context.h"

namespace kmx {
namespace {

using nlohmann::json;

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// Beyond 2^53 a double no longer holds every integer: such a value is not a
// count of anything a guest did.
constexpr double kLargestCount = 9007199254740992.0;

std::optional<double> number(const json& object, const char* key) {
  const json* value = member(object, key);
  if (!value || !value->is_number()) return std::nullopt;
  const double d = value->get<double>();
  if (!std::isfinite(d) || std::fabs(d) > kLargestCount) return std::nullopt;
  return d;
}

std::optional<long long> whole_number(const json& object, const char* key) {
  const json* value = member(object, key);
  if (value && value->is_number_integer()) {
    if (value->is_number_unsigned() &&
        value->get<unsigned long long>() > static_cast<unsigned long long>(kLargestCount))
      return std::nullopt;
    const long long n = value->get<long long>();
    if (std::fabs(static_cast<double>(n)) > kLargestCount) return std::nullopt;
    return n;
  }
  if (auto d = number(object, key)) return std::llround(*d);
  return std::nullopt;
}

std::string text(const json& object, const char* key) {
  const json* value = member(object, key);
  return value && value->is_string() ? shorten(value->get<std::string>(), kMaxDetailText) : "";
}

const json& details_key(const TestResult& test, const char* key) {
  static const json none;
  const json* value = member(test.details, key);
  return value && value->is_object() ? *value : none;
}

std::optional<MemorySample> sample_from(const json& j) {
  const auto t = number(j, "t");
  const auto avail = whole_number(j, "avail");
  if (!t || !avail) return std::nullopt;
  MemorySample s;
  s.t = *t;
  s.avail = *avail;
  s.slab = whole_number(j, "slab").value_or(0);
  s.vmalloc = whole_number(j, "vmalloc").value_or(0);
  s.committed = whole_number(j, "committed").value_or(0);
  s.oom_kills = whole_number(j, "oom_kills").value_or(0);
  s.procs = whole_number(j, "procs").value_or(0);
  return s;
}

}  // namespace

std::optional<Iterations> iterations_of(const TestResult& test) {
  const json& j = details_key(test, "iterations");
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

std::optional<MemoryCurve> memory_of(const TestResult& test) {
  const json& j = details_key(test, "memory");
  if (j.is_null()) return std::nullopt;
  MemoryCurve curve;
  curve.interval_ms = std::max(0LL, whole_number(j, "interval_ms").value_or(0));
  if (const json* samples = member(j, "samples"); samples && samples->is_array())
    for (const auto& s : *samples) {
      if (curve.samples.size() == kMaxMemorySamples) break;
      if (auto sample = sample_from(s)) curve.samples.push_back(*sample);
    }
  std::stable_sort(curve.samples.begin(), curve.samples.end(),
                   [](const MemorySample& a, const MemorySample& b) { return a.t < b.t; });
  curve.min_available_kib = whole_number(j, "min_available_kib");
  curve.peak_processes = whole_number(j, "peak_processes");
  // Older producers or a cut file: what the samples themselves say.
  if (!curve.samples.empty()) {
    const auto by_avail = [](const MemorySample& a, const MemorySample& b) { return a.avail < b.avail; };
    const auto by_procs = [](const MemorySample& a, const MemorySample& b) { return a.procs < b.procs; };
    if (!curve.min_available_kib)
      curve.min_available_kib = std::min_element(curve.samples.begin(), curve.samples.end(), by_avail)->avail;
    if (!curve.peak_processes)
      curve.peak_processes = std::max_element(curve.samples.begin(), curve.samples.end(), by_procs)->procs;
  }
  if (curve.samples.empty() && !curve.min_available_kib && !curve.peak_processes) return std::nullopt;
  return curve;
}

std::optional<OomKill> oom_of(const TestResult& test) {
  const json& j = details_key(test, "oom");
  if (j.is_null()) return std::nullopt;
  OomKill kill;
  kill.victim = text(j, "victim");
  kill.pid = whole_number(j, "pid").value_or(0);
  kill.total_vm_kib = whole_number(j, "total_vm_kib").value_or(0);
  kill.anon_rss_kib = whole_number(j, "anon_rss_kib").value_or(0);
  kill.file_rss_kib = whole_number(j, "file_rss_kib").value_or(0);
  kill.shmem_rss_kib = whole_number(j, "shmem_rss_kib").value_or(0);
  if (kill.victim.empty() && kill.pid == 0) return std::nullopt;
  return kill;
}

std::optional<HangDump> hang_of(const TestResult& test) {
  const json& j = details_key(test, "hang");
  if (j.is_null()) return std::nullopt;
  HangDump hang{safe_relative_path(text(j, "dump")), text(j, "first_blocked")};
  if (hang.dump.empty() && hang.first_blocked.empty()) return std::nullopt;
  return hang;
}

std::optional<DuplicateLoadWaste> duplicate_load_waste_of(const TestResult& test) {
  const json& stats = details_key(test, "module_stats");
  const json* present = member(stats, "present");
  if (!present || *present != true) return std::nullopt;
  const json* delta = member(stats, "delta");
  if (!delta || !delta->is_object()) return std::nullopt;
  DuplicateLoadWaste waste;
  for (const char* field : kFailedLoadFields)
    if (auto n = whole_number(*delta, field)) {
      waste.by_field[field] = *n;
      waste.failed_loads += *n;
    }
  if (auto n = whole_number(*delta, kWastedBytesField)) {
    waste.by_field[kWastedBytesField] = *n;
    waste.wasted_bytes = *n;
  }
  if (waste.by_field.empty()) return std::nullopt;
  return waste;
}

std::string iterations_text(const Iterations& it) {
  std::string out = std::to_string(it.passed) + "/" + std::to_string(it.planned) + " passed";
  if (it.failed_at) out += ", failed at round " + std::to_string(*it.failed_at);
  return out;
}

json bounded_observation(const json& value, const std::string& key) {
  if (!value.is_object()) return nullptr;
  json out = value;
  if (key == "memory")
    if (auto samples = out.find("samples");
        samples != out.end() && samples->is_array() && samples->size() > kMaxMemorySamples)
      samples->erase(samples->begin() + static_cast<std::ptrdiff_t>(kMaxMemorySamples), samples->end());
  return out;
}

std::string safe_relative_path(const std::string& path) {
  if (path.size() > kMaxDetailText || !relative_path_problem(path).empty()) return "";
  return std::filesystem::path(path).lexically_normal().generic_string();
}

}  // namespace kmx
