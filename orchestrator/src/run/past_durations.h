// The past durations shards are balanced by: for each cell of a matrix and
// each of its tests, what <results>/history.db recorded the last times that
// test ran in a cell of the same kernel, kmod and shape (in any matrix).
#pragma once

#include <filesystem>
#include <vector>

#include "matrix/matrix.h"
#include "run/cell_shards.h"
#include "store/history_store.h"

namespace kmx {

// The median of the latest kRecentDurations positive durations of each
// test in each cell (a median, so one crashed or stuck night does not move
// a cell to another shard). Cells or tests never recorded are left out.
inline constexpr std::size_t kRecentDurations = 5;
PastDurations past_durations(const HistoryStore& history, const std::vector<Cell>& cells);

// The same from <results_root>/history.db; empty when there is none (a
// missing history is not an error: shards are then balanced by limits).
PastDurations past_durations_in(const std::filesystem::path& results_root, const std::vector<Cell>& cells);

}  // namespace kmx
