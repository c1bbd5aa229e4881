// What a test showed besides its verdict, as types: its KMX-METRIC figures,
// /sys/kernel/debug/modules/stats around it, kmod.sh's rounds, the guest's
// memory curve, the OOM kill, the hang dump. The verdict code fills a
// TestDetails; results.json, history.db, compare and every report read it.
// One JSON writer and one reader for all of it: the reader takes JSON from a
// file that may be hand-edited or hostile, so a wrong type reads as absent,
// sizes are capped and nothing throws.
//
// A new kind of evidence is one struct here, one member of TestDetails, its
// lines in write_test_details/read_test_details, and its renderers.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
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

// "module_stats": the kernel's module statistics before and after a test.
struct ModuleStatsRecord {
  bool present = false;
  std::string why;  // when not present
  ModuleStats before, after;
  std::map<std::string, long long> delta;  // after - before for every field in both
};

// {present: false, why} without the debugfs file; else before, after and
// their delta (a difference that does not fit a long long is left out).
ModuleStatsRecord module_stats_record(bool absent, std::string_view before, std::string_view after);

// "iterations": kmod.sh's rounds of a test.
struct Iterations {
  long long planned = 0;               // at least 1
  long long passed = 0;                // 0..planned
  std::optional<long long> failed_at;  // 1-based round that failed, at most planned
};

// The producer keeps ~300 samples per test; more than this is not ours.
inline constexpr std::size_t kMaxMemorySamples = 1000;
// Guest text in these records (process names, a stack line, a path).
inline constexpr std::size_t kMaxDetailText = 2000;

struct MemoryPoint {
  double t = 0;                                       // seconds since the test started
  long long avail = 0;                                // MemAvailable, KiB
  std::optional<long long> slab, vmalloc, committed;  // KiB, when the guest had them
  std::optional<long long> oom_kills;                 // /proc/vmstat oom_kill, cumulative
  std::optional<long long> procs;
};

// "memory": the agent's samples while the test ran.
struct MemoryCurve {
  long long interval_ms = 0;
  std::vector<MemoryPoint> samples;  // in time order, at most kMaxMemorySamples
  std::optional<long long> min_available_kib;
  std::optional<long long> peak_processes;
  std::optional<double> first_oom_kill_s;
};

// "oom": the process the kernel's OOM killer took; a figure the console
// line did not carry is unset.
struct OomKill {
  std::string victim;
  std::optional<long long> pid, total_vm_kib, anon_rss_kib, file_rss_kib, shmem_rss_kib;
};

// "hang": a test stopped at its limit.
struct HangDump {
  std::string dump;  // tests/<id>.hang.txt relative to the run directory; "" when none was saved
  std::string first_blocked;
};

struct TestDetails {
  std::map<std::string, double> metrics;  // "metrics": KMX-METRIC name=value
  std::optional<ModuleStatsRecord> module_stats;
  std::optional<Iterations> iterations;
  std::optional<MemoryCurve> memory;
  std::optional<OomKill> oom;
  std::optional<HangDump> hang;
};

// The keys of a results.json test entry TestDetails owns.
inline constexpr const char* kTestDetailKeys[] = {"metrics", "module_stats", "iterations", "memory", "oom", "hang"};

// Into a results.json test entry: "metrics" and "module_stats" always (an
// empty object when unknown), the others only when set.
void write_test_details(const TestDetails& details, nlohmann::json& test_entry);
// The same keys as one object, only those set (history.db's details column).
nlohmann::json test_details_json(const TestDetails& details);
// From a results.json test entry (or a details object): tolerant, bounded.
TestDetails read_test_details(const nlohmann::json& test_entry);

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

// Only when module_stats was present and its delta has any of the fields.
std::optional<DuplicateLoadWaste> duplicate_load_waste(const TestDetails& details);

// {"planned", "passed", "failed_at" (null when no round failed)}.
nlohmann::json iterations_json(const Iterations& iterations);
// "0/150 passed, failed at round 1" or "150/150 passed".
std::string iterations_text(const Iterations& iterations);

}  // namespace kmx
