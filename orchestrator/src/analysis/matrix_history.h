// `history` without a test, and the nightly site: every test of a matrix in
// every cell across a window of runs (the last N, or since a date), each
// with its verdict per run, its pass rate over the window and how many
// times its verdict flipped. Pure over what history.db recorded.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/failure_rate.h"
#include "store/history_store.h"

namespace kmx {

// runs (oldest first, as runs_of_matrix gives them) cut to the window.
std::vector<RecordedRun> window_runs(const std::vector<RecordedRun>& runs, const HistoryWindow& window);

// One test in one cell across the window's runs.
struct TestTrack {
  std::string test;
  RecordedCellKey cell;
  std::vector<std::optional<Verdict>> verdicts;  // one per run of the window; nullopt: not in that run
  std::vector<std::string> evidence;             // the same positions
  int ran = 0;                                   // runs with a verdict
  int passed = 0;                                // of those, PASS
  int flips = 0;  // times the verdict differed from the one before it (runs without one skipped)
  // The run (index into the window) where the latest verdict began, when
  // the verdict changed within the window.
  std::optional<std::size_t> change_began;
  // Over the window's verdicts (analysis/failure_rate.h).
  FailureRate failure_rate() const;
};

struct MatrixHistory {
  std::string matrix;
  std::vector<RecordedRun> runs;  // the window, oldest first
  std::vector<TestTrack> tracks;  // by test, then cell
};

// Pure: verdicts as HistoryStore::matrix_verdicts gives them; those of runs
// outside `runs` are ignored.
MatrixHistory build_matrix_history(const std::string& matrix, const std::vector<RecordedRun>& runs,
                                   const std::vector<RecordedVerdict>& verdicts);

// The matrix's window read from the store.
MatrixHistory query_matrix_history(const HistoryStore& store, const std::string& matrix, const HistoryWindow& window);

// One letter per verdict for the per-run column: P F O X T H S E ~ M, '.'
// for a run without one.
char verdict_letter(const std::optional<Verdict>& verdict);

// A header naming the window, a legend, then a line per test and cell: pass
// rate, flips, the verdicts oldest first, and since when the latest holds.
std::string render_matrix_history_text(const MatrixHistory& history);

// {"matrix", "runs": [{"run_id", "started_at"}], "tracks": [{"test",
// "kernel", "kmod", "vcpus", "memory_mib", "verdicts": [VERDICT|null],
// "ran", "passed", "pass_rate" (null when it never ran), "flips",
// "change_began": run id|null}]}
nlohmann::json matrix_history_to_json(const MatrixHistory& history);

}  // namespace kmx
