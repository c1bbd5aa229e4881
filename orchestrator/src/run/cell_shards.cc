#include "run/cell_shards.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_set>

namespace kmx {
namespace {

constexpr const char* kShardFix =
    "\n  fix: --shard K/N with 1 <= K <= N <= 1000, e.g. --shard 1/4 for the first of four";

std::optional<int> parse_count(std::string_view digits) {
  if (digits.empty() || digits.size() > 4) return std::nullopt;
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  int value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

std::string shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return text.size() > 40 ? out + "..." : out;
}

}  // namespace

std::optional<ShardSpec> parse_shard_spec(std::string_view text, std::string& error) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    error = "--shard '" + shown(text) + "' is not K/N" + kShardFix;
    return std::nullopt;
  }
  const auto index = parse_count(text.substr(0, slash));
  const auto count = parse_count(text.substr(slash + 1));
  if (!index || !count) {
    error = "--shard '" + shown(text) + "': K and N must be decimal numbers" + kShardFix;
    return std::nullopt;
  }
  if (*count < 1 || *count > kMaxShards) {
    error = "--shard '" + shown(text) + "': N must be between 1 and 1000" + kShardFix;
    return std::nullopt;
  }
  if (*index < 1 || *index > *count) {
    error = "--shard '" + shown(text) + "': K must be between 1 and N (shards count from 1)" + kShardFix;
    return std::nullopt;
  }
  error.clear();
  return ShardSpec{*index, *count};
}

std::vector<CellCost> estimate_cell_costs(const Matrix& matrix, const std::vector<Cell>& cells,
                                          const PastDurations& past) {
  std::vector<CellCost> out;
  for (const auto& cell : cells) {
    CellCost cost{cell.id(), 0, false};
    const auto known = past.find(cost.cell_id);
    for (const auto& test : cell.tests) {
      if (known != past.end())
        if (auto d = known->second.find(test); d != known->second.end()) {
          cost.cost_ms += std::llround(std::max(d->second, 0.0) * 1000);
          cost.from_history = true;
          continue;
        }
      cost.cost_ms += 1000LL * matrix.timeouts.for_test(test) * (1 + std::max(matrix.reruns, 0));
    }
    out.push_back(std::move(cost));
  }
  return out;
}

ShardPlan plan_shards(const std::vector<CellCost>& costs, int count) {
  ShardPlan plan;
  plan.count = count;
  plan.cells.resize(static_cast<std::size_t>(count));
  plan.cost_ms.assign(static_cast<std::size_t>(count), 0);
  plan.basis = "limits";
  std::vector<const CellCost*> order;
  for (const auto& c : costs) order.push_back(&c);
  std::sort(order.begin(), order.end(), [](const CellCost* a, const CellCost* b) {
    return a->cost_ms != b->cost_ms ? a->cost_ms > b->cost_ms : a->cell_id < b->cell_id;
  });
  std::vector<std::vector<const CellCost*>> assigned(plan.cells.size());
  for (const CellCost* c : order) {
    // min_element returns the first of equal loads: the lowest index wins ties.
    const auto least = std::min_element(plan.cost_ms.begin(), plan.cost_ms.end()) - plan.cost_ms.begin();
    plan.cost_ms[least] += c->cost_ms;
    assigned[least].push_back(c);
    if (c->from_history) plan.basis = "history";
  }
  // Each shard lists its cells in the order they were given (the matrix's).
  for (std::size_t s = 0; s < assigned.size(); ++s) {
    std::sort(assigned[s].begin(), assigned[s].end());  // pointers into `costs`: its order
    for (const CellCost* c : assigned[s]) plan.cells[s].push_back(c->cell_id);
  }
  return plan;
}

std::vector<Cell> cells_in_shard(std::vector<Cell> cells, const std::vector<std::string>& shard_cells) {
  const std::unordered_set<std::string> mine(shard_cells.begin(), shard_cells.end());
  std::erase_if(cells, [&](const Cell& cell) { return !mine.contains(cell.id()); });
  return cells;
}

std::string format_cost(long long cost_ms) {
  const long long s = (cost_ms + 500) / 1000;
  if (s >= 3600) {
    const long long m = (s % 3600) / 60;
    return std::to_string(s / 3600) + "h" + (m < 10 ? "0" : "") + std::to_string(m) + "m";
  }
  if (s >= 60) return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
  return std::to_string(s) + "s";
}

}  // namespace kmx
