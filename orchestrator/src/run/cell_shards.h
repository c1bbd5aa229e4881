// CI shards: `run MATRIX --shard K/N` runs a stable, disjoint part of the
// matrix's cells, the N parts together being exactly the whole matrix.
// Cells are balanced by estimated cost. Pure: the same cells, limits and
// past durations give the same shards on any host, at any time.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "matrix/matrix.h"

namespace kmx {

inline constexpr int kMaxShards = 1000;

struct ShardSpec {
  int index = 0;  // 1-based, as the user writes it
  int count = 0;
  bool operator==(const ShardSpec&) const = default;
};

// "K/N" with 1 <= K <= N <= kMaxShards, decimal digits only. nullopt with
// `error` (what is wrong, then a line "  fix: ...") otherwise.
std::optional<ShardSpec> parse_shard_spec(std::string_view text, std::string& error);

// What history knows of a cell's tests: seconds by test id, by cell id.
using PastDurations = std::map<std::string, std::map<std::string, double>>;

struct CellCost {
  std::string cell_id;
  long long cost_ms = 0;      // integer, so the sum cannot depend on the order of the tests
  bool from_history = false;  // at least one test's cost is a past duration
};

// A test costs its past duration where `past` knows it for this cell, else
// its limit (the matrix's timeout) times 1 + reruns: an unexpected verdict
// is run again that often.
std::vector<CellCost> estimate_cell_costs(const Matrix& matrix, const std::vector<Cell>& cells,
                                          const PastDurations& past);

struct ShardPlan {
  int count = 0;
  std::vector<std::vector<std::string>> cells;  // by shard (0-based), each in the order of `costs`
  std::vector<long long> cost_ms;               // by shard
  std::string basis;                            // "history" when any cost came from history, else "limits"
};

// Longest processing time first: cells by cost descending (ties by cell
// id), each to the least loaded shard (ties by lowest index). Within 4/3 of
// the best possible makespan, and independent of the order of `costs`.
ShardPlan plan_shards(const std::vector<CellCost>& costs, int count);

// The cells whose ids `shard_cells` lists, in the order of `cells` (the
// matrix's); ids no cell has are ignored. O(cells log cells): a 10,000-cell
// matrix is filtered by a set, not a search of the list per cell.
std::vector<Cell> cells_in_shard(std::vector<Cell> cells, const std::vector<std::string>& shard_cells);

// "1h02m", "3m10s", "12s": a cost as the shard summary prints it.
std::string format_cost(long long cost_ms);

}  // namespace kmx
