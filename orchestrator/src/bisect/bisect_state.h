// Everything a bisection knows, as plain data: written to
// results/<bisect-id>/bisect.json after every run (atomically), so
// `bisect --resume` continues without repeating a finished step, and read
// back whole. bisect.log beside it is git's own `git bisect log` format
// (replayable with `git bisect replay`). docs/bisect-format.md describes
// the fields.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bisect/bisection.h"
#include "run/one_test_run.h"
#include "verdict/verdict.h"

namespace kmx {

inline constexpr int kBisectFormatVersion = 1;

struct StepRecord {
  std::string commit;  // full sha
  std::string subject;
  std::string role;                    // "old" or "new" (the ends, run first), "step"
  std::vector<RunRecord> runs;         // each run's run_dir relative to the bisect directory
  std::optional<StepOutcome> outcome;  // unset: the step is unfinished
  std::string reason;                  // what the runs showed; for a skip, why
  double confidence = 1.0;
  double seconds = 0;  // wall time of its builds and runs

  std::vector<Verdict> verdicts() const;
};

enum class BisectStatus {
  kRunning,  // not finished (interrupted, or still going)
  kFound,    // `commit` is the first with the new behaviour
  kRange,    // skipped commits leave `range`, one of which is the first
  kFailed,   // could not bisect: `message` says why (the ends agree, an end does not build, ...)
};

std::string_view to_string(BisectStatus status);

struct BisectState {
  std::string bisect_id;
  std::string tool_version;
  std::string created_at;
  std::string updated_at;
  std::string matrix_file;    // the copy in the bisect directory, relative to it
  std::string matrix_source;  // where it was copied from: paths in it are relative to that
  std::string test;
  std::string axis;     // "kmod" or "kernel": what each step builds from git
  std::string git_dir;  // the user's repository (read only)
  std::string old_ref;
  std::string old_commit;
  std::string new_ref;
  std::string new_commit;
  std::vector<std::string> kernel_config;  // fragments for kernel steps; empty: the source provider's default
  int end_runs = 2;                        // runs at each end
  int runs = 0;                            // runs per step; 0 until the ends decide it
  bool runs_given = false;                 // --runs, not derived from the ends
  std::string workdir;                     // checkout and kernel O= directory (in the cache)
  std::vector<StepRecord> steps;           // the ends first, then in the order tested

  BisectStatus status = BisectStatus::kRunning;
  std::string commit;  // kFound: the first commit with the new behaviour
  std::string subject;
  std::vector<std::string> range;  // kRange: the candidates, oldest first
  std::string range_after;         // kRange: the last old commit before them
  double confidence = 0;           // of the answer: the verification runs' share that fit, else the steps'
  // kFound: the culprit and its parent rerun (culprit_check.h); "" until then.
  std::string verification;
  bool reproduced = false;
  std::string message;  // kFailed: why; otherwise notes (contradictions)
  // kFailed: "ends-agree", "end-does-not-build", "end-error" (the harness
  // failed at an end: worth a rerun) or "no-commits".
  std::string failure;

  StepRecord* find(const std::string& commit);
  const StepRecord* find(const std::string& commit) const;
};

nlohmann::json to_json(const BisectState& state);
// Throws std::runtime_error naming what is missing or malformed.
BisectState bisect_state_from_json(const nlohmann::json& json);

// bisect.json and bisect.log in `dir`, each replaced atomically.
void save_bisect_state(const BisectState& state, const std::filesystem::path& dir);
// Throws std::runtime_error with a fix when dir holds no bisection.
BisectState load_bisect_state(const std::filesystem::path& dir);

// git bisect log's format: "git bisect old <sha>" lines with "# old: [sha] subject" comments.
std::string render_bisect_log(const BisectState& state);

// What `bisect` prints when it ends: each tested commit with its runs, the
// skipped ones with why, the confidence, `results_file`, and as the last
// line "first commit with the new behaviour: <sha> <subject>" (or the
// range, when skipped commits hide which).
std::string render_bisect_summary(const BisectState& state, const std::string& results_file);

// One step as bisect.json writes it (bisect-step's step.json too).
nlohmann::json to_json(const StepRecord& step);

}  // namespace kmx
