#include "store/run_lookup.h"

#include <stdexcept>

#include "store/history_store.h"
#include "store/results_json.h"

namespace kmx {

namespace fs = std::filesystem;

namespace {

std::string not_found(const fs::path& results_root, const std::string& run) {
  return "no run '" + run + "': neither " + (fs::path(run) / "results.json").string() + " nor " +
         (results_root / run / "results.json").string() + " exists, and " + history_db_path(results_root).string() +
         " does not record it\n  fix: pass a run id under --results (now " + results_root.string() +
         ") or a run directory; kmod-matrix history --results " + results_root.string() + " lists the recorded runs";
}

}  // namespace

std::optional<RunResult> recorded_run(const fs::path& results_root, const std::string& run_id) {
  const fs::path db = history_db_path(results_root);
  if (!name_problem(run_id).empty() || !fs::exists(db)) return std::nullopt;
  std::optional<nlohmann::json> doc = HistoryStore::open(db).run_document(run_id);
  if (!doc) return std::nullopt;
  try {
    return run_result_from_json(std::move(*doc));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(db.string() + ": run " + run_id + ": " + e.what());
  }
}

fs::path find_run_dir(const fs::path& results_root, const std::string& run) {
  if (run.empty())
    throw std::runtime_error("no run given\n  fix: pass a run id (e.g. 20261122-233800-4821) or a run directory");
  if (has_run_results(fs::path(run))) return fs::path(run);
  if (has_run_results(results_root / run)) return results_root / run;
  throw std::runtime_error(not_found(results_root, run));
}

FoundRun load_run(const fs::path& results_root, const std::string& run) {
  if (run.empty())
    throw std::runtime_error("no run given\n  fix: pass a run id (e.g. 20261122-233800-4821) or a run directory");
  for (const fs::path& dir : {fs::path(run), results_root / run})
    if (has_run_results(dir)) return {read_run_result(dir), dir};
  if (auto recorded = recorded_run(results_root, run)) return {std::move(*recorded), {}};
  throw std::runtime_error(not_found(results_root, run));
}

std::optional<FoundRun> load_previous_run(const fs::path& results_root, const std::string& run_id) {
  const fs::path db = history_db_path(results_root);
  if (!fs::exists(db)) return std::nullopt;
  const std::optional<RecordedRun> previous = HistoryStore::open(db).previous_run(run_id);
  // history.db is read as crafted too: its run id names a directory only
  // when it is a name kmod-matrix writes.
  if (!previous || !name_problem(previous->run_id).empty()) return std::nullopt;
  if (has_run_results(results_root / previous->run_id))
    return FoundRun{read_run_result(results_root / previous->run_id), results_root / previous->run_id};
  if (auto recorded = recorded_run(results_root, previous->run_id)) return FoundRun{std::move(*recorded), {}};
  return std::nullopt;
}

}  // namespace kmx
