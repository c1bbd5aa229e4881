// `compare OLD NEW`: what changed between two runs. Cells are matched by
// (kernel name, kmod name, vCPUs, memory), tests by id. Pure: the caller
// loads both RunResults (results.json or history) and prints the outcome.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/failure_rate.h"
#include "store/run_result.h"

namespace kmx {

// One test whose verdict differs, or which exists on one side only (the
// other side's verdict is then empty). An entry for a whole cell present
// on one side only has an empty test.
struct VerdictChange {
  std::string cell;  // the cell id, e.g. "debian-6.12.kmod-30.2cpu.1024M"
  std::string test;
  std::optional<Verdict> old_verdict;
  std::optional<Verdict> new_verdict;
  std::string old_evidence;
  std::string new_evidence;
  // The two cells were built or configured differently (see
  // ConfigurationChange): the verdicts are not like for like.
  bool configuration_changed = false;
  // The tests' logs, relative to their run directories ("" when none).
  std::string old_log;
  std::string new_log;
  // A whole cell on one side only: its tests, by id.
  std::vector<std::string> cell_tests;
  // A regression or fix held against history.db (analysis/known_rates.h):
  // the test's rate in this cell before, and whether it explains the flip.
  std::optional<RateJudgement> rate;
  // The matrix's [[known_issue]] that covers the new result, if any.
  std::optional<KnownIssue> known_issue;
};

// A matched cell whose kmod build options or guest modprobe configuration
// differ (both runs recorded them): its verdict changes are listed, flagged,
// and this says why.
struct ConfigurationChange {
  std::string cell;
  // "kernel" (the package booted), "kernel.revision" or "kmod.revision" (a
  // git source's commit: {"commit", "subject"}), "kmod_build" or
  // "guest_modprobe_config.sha256"
  std::string field;
  nlohmann::json old_value;
  nlohmann::json new_value;
};

// A matched test whose kmod.sh rounds or duplicate-load waste changed
// while both runs recorded them: a line of information, never a regression
// (only a verdict change is one).
struct ObservationChange {
  std::string cell;
  std::string test;
  // "iterations" (old/new: {"planned", "passed", "failed_at"}) or
  // "module_stats.delta.<field>" for a kFailedLoadFields or wasted-bytes field.
  std::string field;
  nlohmann::json old_value;
  nlohmann::json new_value;
  std::string text;  // "150/150 passed -> 0/150 passed, failed at round 1"
};

struct RunComparison {
  std::string old_run_id;
  std::string new_run_id;
  // Where each run's logs are (set by the caller; "" when a run was read
  // from history.db): comparison_to_json joins them to the logs' paths.
  std::string old_run_dir;
  std::string new_run_dir;
  // "" when both ran the same matrix; else what differs (name, digest).
  std::string matrix_change;
  std::vector<VerdictChange> regressions;  // PASS to worse, or a new OOM/PANIC/HANG
  std::vector<VerdictChange> missing;      // planned and not run now (MISS: a lost shard)
  // Ran in the old run and not in the new one: a test, or a whole cell
  // (test empty, cell_tests its tests). Unexpected, whatever the cause:
  // work that silently stops running must not pass.
  std::vector<VerdictChange> vanished;
  std::vector<VerdictChange> fixes;  // a failure of the kernel or kmod to PASS
  // Flips the test's recorded rate in that cell explains (it failed, or
  // passed, before at a rate that makes this not unlikely): neither a
  // regression nor a fix, listed apart as KernelCI lists unstable tests.
  std::vector<VerdictChange> within_known_rate;
  // Regressions a [[known_issue]] of the new run's matrix covers (the test
  // carries it in results.json): filed already, so listed with their link
  // and not counted.
  std::vector<VerdictChange> known_issues;
  std::vector<VerdictChange> changes;  // every other difference (SKIP, ERROR, ...)
  std::vector<VerdictChange> only_new;
  std::vector<ConfigurationChange> configuration_changes;
  std::vector<ObservationChange> information;

  bool has_regressions() const { return !regressions.empty(); }
  // What makes compare exit 1: regressions, missing or vanished work.
  bool is_unexpected() const { return !regressions.empty() || !missing.empty() || !vanished.empty(); }
};

// Regressions are what a nightly fails on; ERROR is the harness, not the
// kernel, so a test going to or from ERROR is a change, never a regression
// or a fix.
bool is_regression(Verdict old_verdict, Verdict new_verdict);
bool is_fix(Verdict old_verdict, Verdict new_verdict);

RunComparison compare_runs(const RunResult& old_run, const RunResult& new_run);

// {"old_run", "new_run", "matrix_change", "regressions", "missing",
//  "vanished", "fixes", "changes", "only_new", "configuration_changes",
//  "information"}; each verdict entry is {"cell", "test", "old":
// {"verdict", "evidence", "log"} | null, "new": ... | null,
// "configuration_changed"} ("log": the run directory joined to the test's
// log, or null), a whole cell's entry has "test": null and "tests"; each
// information entry {"cell", "test", "field", "old", "new", "text"}.
nlohmann::json comparison_to_json(const RunComparison& comparison);

// Sections with a line per entry, then a one-line summary.
std::string render_comparison_text(const RunComparison& comparison);

}  // namespace kmx
