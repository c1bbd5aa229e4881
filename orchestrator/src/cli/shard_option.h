// --shard K/N as run and check take it: parsed (bad input exits 2 with the
// fix), planned over the matrix's cells with <results>/history.db, and
// summarized for the user: this shard's cells, every shard's cost.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "matrix/matrix.h"
#include "run/cell_shards.h"
#include "store/run_result.h"

namespace kmx {

// Throws std::runtime_error with the parser's message and fix.
ShardSpec parse_shard_option(const std::string& text);

struct SelectedShard {
  ShardRecord record;
  std::vector<std::string> summary;  // lines to print
};

// Costs from the durations in <results_root>/history.db where it knows them.
SelectedShard select_shard(const Matrix& matrix, const ShardSpec& spec, const std::filesystem::path& results_root);

// <run_dir>/shard.json: the shard a run was started as, written before any
// cell runs, so `run --resume` stays that shard even when nothing was
// recorded yet or history has changed since.
void write_shard_file(const std::filesystem::path& run_dir, const ShardRecord& shard);
std::optional<ShardRecord> read_shard_file(const std::filesystem::path& run_dir);

}  // namespace kmx
