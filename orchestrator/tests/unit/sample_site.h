// Nights of the sample nightly for the site's tests: recorded into a
// history.db through HistoryStore, each with (when asked) its run directory
// holding results.json and every file the report links.
#pragma once

#include <filesystem>
#include <string>

#include "os/files.h"
#include "reports/html_report.h"
#include "sample_runs.h"
#include "store/history_store.h"
#include "store/results_json.h"

namespace kmx::testing {

// Night `id` on 2026-11-<day>. From a `failing` night on, kmod:0009 fails on
// debian-6.12, whose kernel moved from 6.12.8-1 to 6.12.9-1 that night.
inline RunResult sample_night(const std::string& id, int day, bool failing) {
  RunResult run = sample_nightly(id, "2026-11-" + std::to_string(day) + "T23:00:00Z");
  run.cells[1].kernel_debian_version = failing ? "6.12.9-1" : "6.12.8-1";
  run.cells[1].guest_uname = failing ? "6.12.9-amd64" : "6.12.8-amd64";
  if (failing) run.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kFail, "agent: exit status 1 <b>x</b>");
  return run;
}

// results/<id>/: results.json and a line in every file html_linked_files names.
inline void write_sample_run_dir(const RunResult& run, const std::filesystem::path& results) {
  const auto dir = results / run.run_id;
  write_results_json(run, dir);
  for (const auto& file : html_linked_files(run)) {
    std::filesystem::create_directories((dir / file).parent_path());
    write_file_atomically(dir / file, file + ": a line of log\n");
  }
}

// Records the run into results/history.db; with its directory when `with_dir`.
inline void record_sample_night(const RunResult& run, const std::filesystem::path& results, bool with_dir = true) {
  std::filesystem::create_directories(results);
  HistoryStore::open(results / "history.db").record_run(run);
  if (with_dir) write_sample_run_dir(run, results);
}

// Four nights n1..n4 (2026-11-20..23) with their directories; kmod:0009 on
// debian-6.12 fails from n3 on.
inline void record_four_nights(const std::filesystem::path& results) {
  for (int i = 1; i <= 4; ++i) record_sample_night(sample_night("n" + std::to_string(i), 19 + i, i >= 3), results);
}

}  // namespace kmx::testing
