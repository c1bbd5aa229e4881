// `merge`: shard runs (run --shard K/N) joined into one run, as if the whole
// matrix had run at once: every cell in matrix order, with its cell
// directory (logs, dumps) beside it so every path in results.json still
// leads to its file. Shards of different matrices, or two runs with the same
// cell, are refused; a cell in none of the runs (a shard lost) is in the
// merged run with every test MISS, unexpected, and named in absent_cells.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/run_result.h"

namespace kmx {

// Bad input for merge: what() names the run directories and the fix.
class MergeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ShardRun {
  std::filesystem::path dir;
  RunResult run;
  std::string matrix_sha256;  // as recorded, else of the run's matrix.toml
};

// Throws MergeError naming `dir` when it has no results.json or it is unreadable.
ShardRun read_shard_run(const std::filesystem::path& dir);

struct MergedRun {
  RunResult run;
  // For each merged cell, the run directory it comes from.
  std::vector<std::pair<std::string, std::filesystem::path>> cell_dirs;
};

// Pure: checks the shards against each other and against the matrix's
// cells (in matrix order), and joins them under `run_id`. Header facts (tool
// version, host, accelerator) are the first shard's by shard index;
// started_at is the earliest, finished_at the latest. A matrix cell no shard
// ran gets every test MISS (unexpected: the merged run exits 1).
MergedRun merge_shard_runs(const std::vector<ShardRun>& shards, const std::vector<Cell>& matrix_cells,
                           const std::string& run_id);

// The merged run's directory: the matrix copy's text and every merged
// cell's cells/<id>/ tree, hard-linked where the filesystem allows, else
// copied. Only what really lies inside each shard is taken: regular files
// and directories reached without a symlink. A cells/<id> that is a
// symlink, and every symlink, FIFO, socket or device below one, is left out
// and named in the list returned ("<shard dir>/cells/<id>/x: a symbolic
// link"). Writes no results file: the caller hands the run to its writers.
std::vector<std::string> assemble_merged_dir(const MergedRun& merged, const std::string& matrix_text,
                                             const std::filesystem::path& out_dir);

// A shard's matrix copy, read inside its directory only (no symlink, at
// most 16 MiB); throws MergeError naming it.
std::string read_shard_matrix_copy(const std::filesystem::path& shard_dir);

}  // namespace kmx
