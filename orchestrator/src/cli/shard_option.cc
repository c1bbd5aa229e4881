#include "cli/shard_option.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "os/capped_json.h"
#include "os/contained_files.h"
#include "os/files.h"
#include "run/past_durations.h"

namespace kmx {

ShardSpec parse_shard_option(const std::string& text) {
  std::string error;
  if (auto spec = parse_shard_spec(text, error)) return *spec;
  throw std::runtime_error(error);
}

SelectedShard select_shard(const Matrix& matrix, const ShardSpec& spec, const std::filesystem::path& results_root) {
  const std::vector<Cell> cells = expand_cells(matrix);
  const ShardPlan plan =
      plan_shards(estimate_cell_costs(matrix, cells, past_durations_in(results_root, cells)), spec.count);
  SelectedShard out;
  const auto mine = static_cast<std::size_t>(spec.index - 1);
  out.record = ShardRecord{spec.index, spec.count, plan.cells[mine], plan.basis};
  const std::string label = std::to_string(spec.index) + "/" + std::to_string(spec.count);
  out.summary.push_back("shard " + label + ": " + std::to_string(plan.cells[mine].size()) + " of " +
                        std::to_string(cells.size()) + " cells, estimated from " + plan.basis);
  for (const auto& id : plan.cells[mine]) out.summary.push_back("  " + id);
  std::string costs = "estimated cost per shard:";
  for (std::size_t s = 0; s < plan.cost_ms.size(); ++s)
    costs += (s ? ", " : " ") + std::to_string(s + 1) + "/" + std::to_string(spec.count) + " " +
             format_cost(plan.cost_ms[s]) + " (" + std::to_string(plan.cells[s].size()) + " cells)";
  out.summary.push_back(costs);
  return out;
}

void write_shard_file(const std::filesystem::path& run_dir, const ShardRecord& shard) {
  const nlohmann::json doc = {
      {"index", shard.index}, {"count", shard.count}, {"cells", shard.cells}, {"basis", shard.basis}};
  write_file_atomically(run_dir / "shard.json", doc.dump(2) + "\n");
}

// A 10,000-cell shard's list of cell ids is well under a MiB.
constexpr std::size_t kMaxShardFileBytes = std::size_t{16} << 20;

std::optional<ShardRecord> read_shard_file(const std::filesystem::path& run_dir) {
  const auto path = run_dir / "shard.json";
  if (contained_entry(run_dir, "shard.json") == ContainedEntry::kMissing) return std::nullopt;
  try {
    const auto doc = parse_capped_json(read_contained_file(run_dir, "shard.json", kMaxShardFileBytes), path.string());
    return ShardRecord{doc.at("index").get<int>(), doc.at("count").get<int>(),
                       doc.at("cells").get<std::vector<std::string>>(), doc.at("basis").get<std::string>()};
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path.string() + " is not a shard record (" + e.what() +
                             ")\n  fix: restore it, or start the shard again without --resume");
  }
}

}  // namespace kmx
