#include "analysis/known_rates.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace kmx {
namespace {

using History = std::map<std::pair<RecordedCellKey, std::string>, std::vector<const RecordedVerdict*>>;

// Moves the flips the old rate explains from `from` to comparison.within_known_rate.
void judge(std::vector<VerdictChange>& from, RunComparison& comparison, const History& history,
           const std::map<std::string, RecordedCellKey>& keys) {
  std::vector<VerdictChange> kept;
  for (auto& change : from) {
    const auto key = keys.find(change.cell);
    const auto past = key == keys.end() ? history.end() : history.find({key->second, change.test});
    if (past == history.end() || !change.new_verdict) {
      kept.push_back(std::move(change));
      continue;
    }
    std::vector<Verdict> verdicts;
    for (const RecordedVerdict* v : past->second) verdicts.push_back(v->verdict);
    change.rate = judge_flip(verdicts, *change.new_verdict);
    (change.rate->within ? comparison.within_known_rate : kept).push_back(std::move(change));
  }
  from = std::move(kept);
}

}  // namespace

void judge_against_history(RunComparison& comparison, const RunResult& new_run,
                           const std::vector<RecordedVerdict>& recorded) {
  std::map<std::string, RecordedCellKey> keys;  // cell id -> how history.db names the cell
  for (const auto& c : new_run.cells)
    keys[c.cell.id()] = {c.cell.kernel.name, c.cell.kmod.name, c.cell.vcpus, c.cell.memory_mib};
  History history;
  for (const auto& v : recorded)
    if (v.run_id != new_run.run_id && (new_run.started_at.empty() || v.started_at < new_run.started_at))
      history[{v.cell, v.test}].push_back(&v);
  for (auto& [key, verdicts] : history)
    std::stable_sort(verdicts.begin(), verdicts.end(), [](const RecordedVerdict* a, const RecordedVerdict* b) {
      return std::tie(a->started_at, a->run_id) < std::tie(b->started_at, b->run_id);
    });
  judge(comparison.regressions, comparison, history, keys);
  judge(comparison.fixes, comparison, history, keys);
}

}  // namespace kmx
