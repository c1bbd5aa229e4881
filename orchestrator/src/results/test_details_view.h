// A typed view of what the verdict code records in TestResult::details
// besides metrics: kmod.sh iterations, guest memory samples, the OOM kill,
// the hang dump, and the duplicate-load waste in module_stats. Every report,
// compare and history reads these keys through here: the values came from a
// guest and may come back from a hand-edited results.json, so a wrong type
// reads as absent and sizes are capped; nothing here throws.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "results/run_result.h"

namespace kmx {

// The producer keeps ~300 samples per test; more than this is not ours.
inline constexpr std::size_t kMaxMemorySamples = 1000;
// Guest text in these keys (process names, a stack line, a path).
inline constexpr std::size_t kMaxDetailText = 2000;

// The keys of details this file reads, in the order results.json writes them.
inline constexpr const char* kObservationKeys[] = {"iterations", "memory", "oom", "hang"};

struct Iterations {
  long long planned = 0;
  long long passed = 0;
  std::optional<long long> failed_at;  // 1-based round that failed
};

struct MemorySample {
  double t = 0;                                               // seconds since the test started
  long long avail = 0, slab = 0, vmalloc = 0, committed = 0;  // KiB
  long long oom_kills = 0;                                    // /proc/vmstat oom_kill, cumulative
  long long procs = 0;
};

struct MemoryCurve {
  long long interval_ms = 0;
  std::vector<MemorySample> samples;  // in time order, at most kMaxMemorySamples
  std::optional<long long> min_available_kib;
  std::optional<long long> peak_processes;
};

struct OomKill {
  std::string victim;
  long long pid = 0;
  long long total_vm_kib = 0, anon_rss_kib = 0, file_rss_kib = 0, shmem_rss_kib = 0;
};

struct HangDump {
  std::string dump;  // relative to the run directory; "" when none was saved
  std::string first_blocked;
};

// module_stats.delta counters that count loads the kernel started and threw
// away (kernel/module/stats.c): what duplicate requests for one module cost.
inline constexpr const char* kFailedLoadFields[] = {"Mods failed on kread", "Mods failed on decompress",
                                                    "Mods failed on becoming", "Mods failed on load"};
inline constexpr const char* kWastedBytesField = "Virtual mem wasted bytes";

struct DuplicateLoadWaste {
  long long failed_loads = 0;  // sum of the kFailedLoadFields deltas
  long long wasted_bytes = 0;
  std::map<std::string, long long> by_field;  // the fields present, wasted bytes included
};

std::optional<Iterations> iterations_of(const TestResult& test);
std::optional<MemoryCurve> memory_of(const TestResult& test);
std::optional<OomKill> oom_of(const TestResult& test);
std::optional<HangDump> hang_of(const TestResult& test);
// Only when module_stats was present and has a delta with any of the fields.
std::optional<DuplicateLoadWaste> duplicate_load_waste_of(const TestResult& test);

// "0/150 passed, failed at round 1" or "150/150 passed".
std::string iterations_text(const Iterations& iterations);

// What results.json keeps of one of kObservationKeys: an object as it is
// (memory samples cut to kMaxMemorySamples), anything else nothing (null).
nlohmann::json bounded_observation(const nlohmann::json& value, const std::string& key);

// A path from the guest or a results.json made safe to link from a report:
// relative, no "..", no URL scheme; "" when it is none of those.
std::string safe_relative_path(const std::string& path);

}  // namespace kmx
