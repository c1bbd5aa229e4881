#include "analysis/run_merge.h"

#include <algorithm>
#include <map>

#include "os/contained_files.h"
#include "os/files.h"
#include "store/results_json.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

constexpr const char* kMatrixCopy = "matrix.toml";
constexpr std::size_t kMaxMatrixCopyBytes = std::size_t{16} << 20;

std::string shard_label(const ShardRun& s) {
  std::string label = s.dir.string();
  if (s.run.shard)
    label += " (shard " + std::to_string(s.run.shard->index) + "/" + std::to_string(s.run.shard->count) + ")";
  return label;
}

// Shard order: by shard index, then run id, so the header does not depend
// on the order the directories were given in.
std::vector<const ShardRun*> in_shard_order(const std::vector<ShardRun>& shards) {
  std::vector<const ShardRun*> out;
  for (const auto& s : shards) out.push_back(&s);
  std::stable_sort(out.begin(), out.end(), [](const ShardRun* a, const ShardRun* b) {
    const int ia = a->run.shard ? a->run.shard->index : 0;
    const int ib = b->run.shard ? b->run.shard->index : 0;
    return ia != ib ? ia < ib : a->run.run_id < b->run.run_id;
  });
  return out;
}

void check_same_matrix(const std::vector<const ShardRun*>& shards) {
  const ShardRun& first = *shards.front();
  for (const ShardRun* s : shards)
    if (s->matrix_sha256 != first.matrix_sha256)
      throw MergeError("shards of different matrices: " + first.dir.string() + " ran matrix sha256 " +
                       first.matrix_sha256 + ", " + s->dir.string() + " ran " + s->matrix_sha256 +
                       "\n  fix: merge the shards of one matrix file (each `run --shard K/N` of the same matrix)");
}

void join_header(RunResult& out, const std::vector<const ShardRun*>& shards) {
  const RunResult& first = shards.front()->run;
  out.tool_version = first.tool_version;
  out.matrix_name = first.matrix_name;
  out.matrix_file = first.matrix_file;
  out.matrix_sha256 = shards.front()->matrix_sha256;
  out.host = first.host;
  out.accel = first.accel;
  out.accel_reason = first.accel_reason;
  out.started_at = first.started_at;
  out.finished_at = first.finished_at;
  std::string accels;
  bool mixed = false;
  for (const ShardRun* s : shards) {
    // ISO 8601 UTC strings order as text; an unfinished shard ("") is not the latest.
    if (!s->run.started_at.empty() && (out.started_at.empty() || s->run.started_at < out.started_at))
      out.started_at = s->run.started_at;
    if (s->run.finished_at > out.finished_at) out.finished_at = s->run.finished_at;
    mixed |= s->run.accel != first.accel;
    accels += (accels.empty() ? "" : ", ") + s->run.run_id + " " + s->run.accel;
    out.merged_from.push_back(s->run.run_id);
  }
  if (mixed) out.accel_reason = "shards ran with different accelerators: " + accels;
}

// A matrix cell none of the shards ran: every planned test MISS.
CellResult never_run(const Cell& cell) {
  CellResult result;
  result.cell = cell;
  for (const auto& test : cell.tests) {
    TestResult t;
    t.test = test;
    t.verdict = Verdict::kMiss;
    t.evidence = "not run: no merged shard run holds this cell (a shard lost or not given to merge)";
    t.as_expected = false;
    result.tests.push_back(std::move(t));
  }
  return result;
}

}  // namespace

ShardRun read_shard_run(const fs::path& dir) {
  if (!has_run_results(dir))  // a shard killed before its end has only its journal
    throw MergeError(dir.string() + " has no results.json\n  fix: pass the run directories of finished shard runs, " +
                     "e.g. results/<run-id> as printed by `run --shard K/N`");
  ShardRun shard{dir, {}, {}};
  try {
    shard.run = read_run_result(dir);
  } catch (const std::exception& e) {
    throw MergeError(e.what());
  }
  shard.matrix_sha256 = shard.run.matrix_sha256;
  if (shard.matrix_sha256.empty() && contained_entry(dir, kMatrixCopy) == ContainedEntry::kRegularFile)
    shard.matrix_sha256 = sha256_hex(read_shard_matrix_copy(dir));
  if (shard.matrix_sha256.empty())
    throw MergeError(dir.string() + " records no matrix digest and has no " + kMatrixCopy +
                     "\n  fix: merge runs made by kmod-matrix run, whose directories hold their matrix copy");
  return shard;
}

MergedRun merge_shard_runs(const std::vector<ShardRun>& shards, const std::vector<Cell>& matrix_cells,
                           const std::string& run_id) {
  if (shards.empty()) throw MergeError("no runs to merge\n  fix: kmod-matrix merge RUN_DIR... --results DIR");
  const auto ordered = in_shard_order(shards);
  for (std::size_t i = 1; i < ordered.size(); ++i)
    if (ordered[i]->run.run_id == ordered[i - 1]->run.run_id)
      throw MergeError("run " + ordered[i]->run.run_id + " is given twice (" + ordered[i - 1]->dir.string() + ", " +
                       ordered[i]->dir.string() + ")\n  fix: name each shard's run directory once");
  check_same_matrix(ordered);
  std::map<std::string, std::size_t> matrix_index;
  for (std::size_t i = 0; i < matrix_cells.size(); ++i) matrix_index[matrix_cells[i].id()] = i;

  std::map<std::string, const ShardRun*> owner;
  std::vector<std::pair<std::size_t, const CellResult*>> cells;
  for (const ShardRun* s : ordered)
    for (const auto& cell : s->run.cells) {
      const std::string id = cell.cell.id();
      const auto index = matrix_index.find(id);
      if (index == matrix_index.end())
        throw MergeError("cell " + id + " of " + s->dir.string() + " is not a cell of matrix " + s->run.matrix_name +
                         "\n  fix: merge runs of the matrix copy they were run with, unchanged");
      if (auto [it, fresh] = owner.emplace(id, s); !fresh)
        throw MergeError("cell " + id + " is in both " + shard_label(*it->second) + " and " + shard_label(*s) +
                         "\n  fix: merge each shard once: one run of each K of the same --shard K/N, all planned "
                         "with the same history.db");
      cells.emplace_back(index->second, &cell);
    }
  std::vector<CellResult> missing;
  for (std::size_t i = 0; i < matrix_cells.size(); ++i)
    if (!owner.contains(matrix_cells[i].id())) missing.push_back(never_run(matrix_cells[i]));
  for (const auto& m : missing) cells.emplace_back(matrix_index.at(m.cell.id()), &m);
  std::sort(cells.begin(), cells.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  MergedRun merged;
  merged.run.run_id = run_id;
  join_header(merged.run, ordered);
  for (const auto& [index, cell] : cells) {
    CellResult c = *cell;
    c.cell.index = static_cast<int>(index);
    if (const auto it = owner.find(c.cell.id()); it != owner.end())
      merged.cell_dirs.emplace_back(c.cell.id(), it->second->dir);
    else
      merged.run.absent_cells.push_back(c.cell.id());
    merged.run.cells.push_back(std::move(c));
  }
  return merged;
}

namespace {

std::string refusal(const fs::path& path, ContainedEntry kind) {
  return path.string() + (kind == ContainedEntry::kSymlink ? ": a symbolic link, not followed"
                                                           : ": neither a regular file nor a directory");
}

// Hard links share the shards' bytes; across filesystems they cannot, so
// copy. The walk never follows a symlink: each entry is judged by its own
// lstat, and a symlink to a directory is not descended into.
void link_or_copy_tree(const fs::path& from, const fs::path& to, std::vector<std::string>& refused) {
  fs::create_directories(to);
  for (const auto& entry : fs::recursive_directory_iterator(from)) {
    const fs::path target = to / fs::relative(entry.path(), from);
    const fs::file_status status = entry.symlink_status();
    if (fs::is_directory(status)) {
      fs::create_directories(target);
    } else if (fs::is_regular_file(status)) {
      std::error_code linked;
      fs::create_hard_link(entry.path(), target, linked);
      if (linked) fs::copy_file(entry.path(), target);
    } else {
      refused.push_back(
          refusal(entry.path(), fs::is_symlink(status) ? ContainedEntry::kSymlink : ContainedEntry::kOther));
    }
  }
}

}  // namespace

std::string read_shard_matrix_copy(const fs::path& shard_dir) {
  try {
    return read_contained_file(shard_dir, kMatrixCopy, kMaxMatrixCopyBytes);
  } catch (const ContainedFileError& e) {
    throw MergeError(e.what());
  }
}

std::vector<std::string> assemble_merged_dir(const MergedRun& merged, const std::string& matrix_text,
                                             const fs::path& out_dir) {
  std::vector<std::string> refused;
  fs::create_directories(out_dir / "cells");
  write_file_atomically(out_dir / kMatrixCopy, matrix_text);
  for (const auto& [id, dir] : merged.cell_dirs) {
    const std::string cell = "cells/" + id;
    switch (const ContainedEntry kind = contained_entry(dir, cell)) {
      case ContainedEntry::kMissing:
        break;
      case ContainedEntry::kDirectory:
        link_or_copy_tree(dir / cell, out_dir / cell, refused);
        break;
      default:
        refused.push_back(refusal(dir / cell, kind));
    }
  }
  return refused;
}

}  // namespace kmx
