// Finding runs on disk for the offline commands (compare, history, report,
// import): a run id under --results or a run directory, and the previous
// run of the same matrix from <results>/history.db.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "results/run_result.h"

namespace kmx {

inline std::filesystem::path history_db_path(const std::filesystem::path& results_root) {
  return results_root / "history.db";
}

// `run` is a directory holding results.json (or the cell journal of a run
// killed before its end), or a run id under
// results_root. Throws std::runtime_error saying where it looked and what
// to pass instead.
std::filesystem::path find_run_dir(const std::filesystem::path& results_root, const std::string& run);

// The latest earlier run of the same matrix recorded in history.db, read
// from its results.json under results_root; nullopt when there is no
// history.db, no earlier run, or its directory is gone.
std::optional<RunResult> read_previous_run(const std::filesystem::path& results_root, const std::string& run_id);

}  // namespace kmx
