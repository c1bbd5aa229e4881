// `compare OLD NEW`: what changed between two runs. Cells are matched by
// (kernel name, kmod name, vCPUs, memory), tests by id. Pure: the caller
// loads both RunResults (results.json or history) and prints the outcome.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "results/run_result.h"

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
};

// A matched cell whose kmod build options or guest modprobe configuration
// differ (both runs recorded them): its verdict changes are listed, flagged,
// and this says why.
struct ConfigurationChange {
  std::string cell;
  std::string field;  // "kmod_build" or "guest_modprobe_config.sha256"
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
  std::vector<VerdictChange> regressions;  // PASS to worse, or a new OOM/PANIC/HANG
  std::vector<VerdictChange> fixes;        // a failure of the kernel or kmod to PASS
  std::vector<VerdictChange> changes;      // every other difference (SKIP, ERROR, ...)
  std::vector<VerdictChange> only_old;
  std::vector<VerdictChange> only_new;
  std::vector<ConfigurationChange> configuration_changes;
  std::vector<ObservationChange> information;

  bool has_regressions() const { return !regressions.empty(); }
};

// Regressions are what a nightly fails on; ERROR is the harness, not the
// kernel, so a test going to or from ERROR is a change, never a regression
// or a fix.
bool is_regression(Verdict old_verdict, Verdict new_verdict);
bool is_fix(Verdict old_verdict, Verdict new_verdict);

RunComparison compare_runs(const RunResult& old_run, const RunResult& new_run);

// {"old_run", "new_run", "regressions", "fixes", "changes", "only_old",
//  "only_new", "configuration_changes", "information"}; each verdict entry is {"cell",
// "test", "old": {"verdict", "evidence"} | null, "new": ... | null,
// "configuration_changed"}; each information entry {"cell", "test",
// "field", "old", "new", "text"}.
nlohmann::json comparison_to_json(const RunComparison& comparison);

// Sections with a line per entry, then a one-line summary.
std::string render_comparison_text(const RunComparison& comparison);

}  // namespace kmx
