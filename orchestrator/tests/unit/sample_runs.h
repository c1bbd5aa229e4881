// Realistic RunResults for the results/ tests: a nightly of two kernels x
// one kmod x two shapes, built in a line per cell so each test can say
// exactly what differs.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "store/run_result.h"

namespace kmx::testing {

// TestDetails as a test writes them: through the one JSON reader, so a test
// can set a key to anything a hand-edited results.json could hold.
inline nlohmann::json details_json(const TestDetails& details) { return test_details_json(details); }
inline void set_detail(TestDetails& details, const std::string& key, nlohmann::json value) {
  nlohmann::json j = test_details_json(details);
  j[key] = std::move(value);
  details = read_test_details(j);
}
inline void merge_details(TestDetails& details, const nlohmann::json& more) {
  nlohmann::json j = test_details_json(details);
  for (const auto& [key, value] : more.items()) j[key] = value;
  details = read_test_details(j);
}
inline void erase_detail(TestDetails& details, const std::string& key) {
  nlohmann::json j = test_details_json(details);
  j.erase(key);
  details = read_test_details(j);
}

inline const std::string kSampleModprobeSha256(64, 'a');

inline TestResult sample_test(const std::string& id, Verdict verdict, std::string evidence = "agent: exit status 0") {
  TestResult t;
  t.test = id;
  t.verdict = verdict;
  t.evidence = std::move(evidence);
  t.duration_s = 1.5;
  t.expected = {Verdict::kPass};
  t.as_expected = verdict == Verdict::kPass;
  t.boot = 1;
  t.log = "cells/" + id + ".log";
  return t;
}

// module_stats as the verdict code records it: before, after and their
// delta, with failed_loads duplicate loads of kmx_dup_target thrown away.
inline nlohmann::json sample_module_stats(long long failed_loads) {
  using nlohmann::json;
  const json before = {{"Mods ever loaded", 66}, {"Mods failed on load", 1}, {"Virtual mem wasted bytes", 53248}};
  const json after = {{"Mods ever loaded", 70},
                      {"Mods failed on load", 1 + failed_loads},
                      {"Virtual mem wasted bytes", 53248 + 53248 * failed_loads}};
  return {
      {"present", true},
      {"before", {{"fields", before}, {"duplicates", json::array()}}},
      {"after",
       {{"fields", after},
        {"duplicates", json::array({{{"module", "kmx_dup_target"}, {"count", failed_loads}, {"reason", "Load"}}})}}},
      {"delta",
       {{"Mods ever loaded", 4},
        {"Mods failed on load", failed_loads},
        {"Virtual mem wasted bytes", 53248 * failed_loads}}}};
}

// Every key the verdict code adds besides metrics, so each renderer meets
// them all: 150 kmod.sh rounds, memory sampled each second with one OOM kill
// (of a helper the test started) between t=2 and t=3, the kill itself, and a
// saved task dump (a real PASS would not have one; renderers must not care).
inline nlohmann::json sample_observations(const std::string& cell_id) {
  using nlohmann::json;
  json samples = json::array();
  const long long avail[] = {812340, 700100, 401200, 790000, 805000};
  for (int i = 0; i < 5; ++i)
    samples.push_back({{"t", 0.25 + i},
                       {"avail", avail[i]},
                       {"slab", 40212 + 100 * i},
                       {"vmalloc", 10240},
                       {"committed", 150000 + 1000 * i},
                       {"oom_kills", i >= 3 ? 1 : 0},
                       {"procs", 12 + 20 * (i % 3)}});
  return {
      {"iterations", {{"planned", 150}, {"passed", 150}, {"failed_at", nullptr}}},
      {"memory", {{"interval_ms", 1000}, {"samples", samples}, {"min_available_kib", 401200}, {"peak_processes", 52}}},
      {"oom",
       {{"victim", "kmx-hog"},
        {"pid", 1234},
        {"total_vm_kib", 9000},
        {"anon_rss_kib", 800},
        {"file_rss_kib", 100},
        {"shmem_rss_kib", 0}}},
      {"hang",
       {{"dump", "cells/" + cell_id + "/tests/kmod-0009.hang.txt"},
        {"first_blocked", "pid 311 (modprobe) D: stack: load_module+0x1c/0x2f0"}}}};
}

inline CellResult sample_cell(const std::string& kernel, const std::string& kmod, int vcpus, int memory_mib,
                              std::vector<TestResult> tests) {
  CellResult c;
  c.cell.kernel = KernelSpec{{kernel, "debian", "nightly.toml:3:1", {{"package", "linux-image-" + kernel + "-amd64"}}}};
  c.cell.kmod = KmodSpec{{kmod, "debian-source", "nightly.toml:9:1", {{"version", "30+20221128-1"}}}};
  c.cell.vcpus = vcpus;
  c.cell.memory_mib = memory_mib;
  for (const auto& t : tests) c.cell.tests.push_back(t.test);
  c.kernel_debian_version = "6.1.158-1";
  c.guest_uname = "6.1.0-56-amd64";
  c.guest_kmod_version = "kmod version 30";
  c.image_id = "6.1.0-56-amd64_" + kmod + "-0123";
  c.kmod_build = {{"origin", "debian/rules of kmod 30+20221128-1"},
                  {"config_dirs", {"/etc/modprobe.d", "/run/modprobe.d", "/lib/modprobe.d"}},
                  {"system", "autotools"},
                  {"options", {"--sysconfdir=/etc", "--with-zstd", "--with-xz"}}};
  c.guest_modprobe_config = {{"available", true},
                             {"searched_dirs", {"/etc/modprobe.d", "/lib/modprobe.d"}},
                             {"sha256", kSampleModprobeSha256},
                             {"bytes", 4096},
                             {"truncated", false},
                             {"dump", "cells/" + c.cell.id() + "/modprobe-c.txt"}};
  c.tests = std::move(tests);
  BootSummary boot;
  boot.index = 1;
  boot.domain = "kmx-4242-n1-c0-b1";
  boot.boot_seconds = 4.2;
  boot.wall_seconds = 31;
  boot.end = "done";
  boot.console_log = "cells/" + c.cell.id() + "/boot-1/console.log";
  boot.agent_log = "cells/" + c.cell.id() + "/boot-1/agent.log";
  c.boots.push_back(boot);
  return c;
}

inline RunResult sample_nightly(const std::string& run_id, const std::string& started_at) {
  RunResult run;
  run.run_id = run_id;
  run.tool_version = "0.1.0";
  run.matrix_name = "nightly";
  run.matrix_file = "matrices/nightly.toml";
  run.matrix_sha256 = "5f1d";
  run.host = HostFacts{"ci-runner-3", 2, 24576, "6.1.0-56-amd64", "7.2.0", "9.0.0"};
  run.accel = "tcg";
  run.accel_reason = "/dev/kvm cannot run a guest";
  run.started_at = started_at;
  run.finished_at = started_at;
  run.cells.push_back(
      sample_cell("debian-6.1", "kmod-30", 1, 512,
                  {sample_test("kmod:0001", Verdict::kPass), sample_test("kmod:0009", Verdict::kPass)}));
  run.cells.push_back(
      sample_cell("debian-6.12", "kmod-30", 2, 1024,
                  {sample_test("kmod:0001", Verdict::kPass), sample_test("kmod:0009", Verdict::kPass)}));
  // kmod:0009 on debian-6.1 carries every observation key; both cells'
  // kmod:0009 have module stats, more duplicate loads wasted with more vCPUs.
  TestResult& observed = run.cells[0].tests[1];
  observed.details = read_test_details(sample_observations(run.cells[0].cell.id()));
  set_detail(observed.details, "module_stats", sample_module_stats(3));
  set_detail(run.cells[1].tests[1].details, "module_stats", sample_module_stats(7));
  return run;
}

}  // namespace kmx::testing
