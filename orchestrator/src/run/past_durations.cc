#include "run/past_durations.h"

#include <algorithm>
#include <set>

#include "store/run_lookup.h"

namespace kmx {

PastDurations past_durations(const HistoryStore& history, const std::vector<Cell>& cells) {
  std::map<RecordedCellKey, std::string> cell_of_key;
  std::set<std::string> tests;
  for (const auto& cell : cells) {
    cell_of_key[{cell.kernel.name, cell.kmod.name, cell.vcpus, cell.memory_mib}] = cell.id();
    tests.insert(cell.tests.begin(), cell.tests.end());
  }
  PastDurations out;
  for (const auto& test : tests) {
    // Ordered by cell, then run start: the latest are each cell's last rows.
    std::map<std::string, std::vector<double>> by_cell;
    for (const auto& v : history.verdict_timeline({test, "", ""}))
      if (auto it = cell_of_key.find(v.cell); it != cell_of_key.end() && v.duration_s > 0)
        by_cell[it->second].push_back(v.duration_s);
    for (auto& [cell_id, durations] : by_cell) {
      const std::size_t keep = std::min(durations.size(), kRecentDurations);
      std::vector<double> recent(durations.end() - static_cast<std::ptrdiff_t>(keep), durations.end());
      std::sort(recent.begin(), recent.end());
      out[cell_id][test] = recent[recent.size() / 2];
    }
  }
  // A test the cell does not run contributes nothing; drop what was matched by key alone.
  for (const auto& cell : cells)
    if (auto it = out.find(cell.id()); it != out.end())
      std::erase_if(it->second, [&](const auto& kv) {
        return std::find(cell.tests.begin(), cell.tests.end(), kv.first) == cell.tests.end();
      });
  return out;
}

PastDurations past_durations_in(const std::filesystem::path& results_root, const std::vector<Cell>& cells) {
  const auto db = history_db_path(results_root);
  if (!std::filesystem::exists(db)) return {};
  return past_durations(HistoryStore::open(db), cells);
}

}  // namespace kmx
