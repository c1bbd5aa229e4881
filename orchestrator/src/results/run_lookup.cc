#include "results/run_lookup.h"

#include <stdexcept>

#include "results/history_store.h"
#include "results/results_json.h"

namespace kmx {

namespace fs = std::filesystem;

fs::path find_run_dir(const fs::path& results_root, const std::string& run) {
  if (run.empty())
    throw std::runtime_error("no run given\n  fix: pass a run id (e.g. 20261122-233800-4821) or a run directory");
  if (has_run_results(fs::path(run))) return fs::path(run);
  if (has_run_results(results_root / run)) return results_root / run;
  throw std::runtime_error("no run '" + run + "': neither " + (fs::path(run) / "results.json").string() + " nor " +
                           (results_root / run / "results.json").string() +
                           " exists\n  fix: pass a run id under --results (now " + results_root.string() +
                           ") or a run directory; ls " + results_root.string() + " lists the runs");
}

std::optional<RunResult> read_previous_run(const fs::path& results_root, const std::string& run_id) {
  const fs::path db = history_db_path(results_root);
  if (!fs::exists(db)) return std::nullopt;
  const std::optional<RecordedRun> previous = HistoryStore::open(db).previous_run(run_id);
  // history.db is read as crafted too: its run id names a directory only
  // when it is a name kmod-matrix writes.
  if (!previous || !name_problem(previous->run_id).empty() || !has_run_results(results_root / previous->run_id))
    return std::nullopt;
  return read_run_result(results_root / previous->run_id);
}

}  // namespace kmx
