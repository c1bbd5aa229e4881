// Finding runs for the offline commands (compare, history, report, import,
// site): a run id under --results or a run directory, and, when the run's
// directory is not there (a CI workspace keeps only history.db from one
// night to the next; `import` records runs from anywhere), what
// <results>/history.db recorded of it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "store/run_result.h"

namespace kmx {

inline std::filesystem::path history_db_path(const std::filesystem::path& results_root) {
  return results_root / "history.db";
}

// `run` is a directory holding results.json (or the cell journal of a run
// killed before its end), or a run id under results_root. Throws
// std::runtime_error saying where it looked and what to pass instead.
std::filesystem::path find_run_dir(const std::filesystem::path& results_root, const std::string& run);

// A run and where it was read from.
struct FoundRun {
  RunResult run;
  // Its directory, whose logs a report links; empty when the run was read
  // from history.db (its logs are not there to link).
  std::filesystem::path dir;
};

// The run `run` names: its directory as find_run_dir finds it, else, for a
// run id, what history.db recorded of it (read with read_run_result's
// checks). Throws std::runtime_error naming every place it looked.
FoundRun load_run(const std::filesystem::path& results_root, const std::string& run);

// What results_root/history.db recorded of run_id, read with
// read_run_result's checks; nullopt when there is no history.db, it does
// not record the run, or run_id is not a name. Throws std::runtime_error
// naming the database when the record cannot be read.
std::optional<RunResult> recorded_run(const std::filesystem::path& results_root, const std::string& run_id);

// The latest earlier run of the same matrix recorded in history.db, read
// from its directory under results_root or else from history.db itself;
// nullopt when there is no history.db or no earlier run.
std::optional<FoundRun> load_previous_run(const std::filesystem::path& results_root, const std::string& run_id);

}  // namespace kmx
