// Shard runs on disk for the merge tests: a three-cell matrix, the run an
// unsharded night would record, and run directories holding part of its
// cells (results.json, matrix.toml, every log file results.json names).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "os/files.h"
#include "sample_runs.h"
#include "store/results_json.h"

namespace kmx::testing {

inline constexpr std::string_view kThreeCellMatrix =
    "name = \"nightly\"\ntests = [\"kmod:0001\", \"kmod:0009\"]\nvcpus = [1]\nmemory_mib = [512]\n"
    "[[kernel]]\nname = \"k1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
    "[[kernel]]\nname = \"k2\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
    "[[kernel]]\nname = \"k3\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
    "[[kmod]]\nname = \"kmod-30\"\n";

// kThreeCellMatrix's cells, as expand_cells gives them.
inline std::vector<Cell> three_cells() {
  std::vector<Cell> cells;
  for (const char* kernel : {"k1", "k2", "k3"}) {
    Cell c;
    c.index = static_cast<int>(cells.size());
    c.kernel.name = kernel;
    c.kernel.source = "debian";
    c.kmod.name = "kmod-30";
    c.kmod.source = "host";
    c.vcpus = 1;
    c.memory_mib = 512;
    c.tests = {"kmod:0001", "kmod:0009"};
    cells.push_back(c);
  }
  return cells;
}

inline const std::vector<std::string> kThreeCells = {"k1.kmod-30.1cpu.512M", "k2.kmod-30.1cpu.512M",
                                                     "k3.kmod-30.1cpu.512M"};

// Every file a cell's results name, relative to the run directory.
inline std::vector<std::string> files_named_by(const CellResult& cell) {
  std::vector<std::string> out;
  for (const auto& t : cell.tests) {
    if (!t.log.empty()) out.push_back(t.log);
    if (t.details.hang) out.push_back(t.details.hang->dump);
  }
  for (const auto& b : cell.boots) out.insert(out.end(), {b.console_log, b.agent_log});
  if (cell.guest_modprobe_config.contains("dump")) out.push_back(cell.guest_modprobe_config["dump"].get<std::string>());
  return out;
}

// k1 and k3 pass; k2's kmod:0009 fails, as the matrix does not expect.
inline RunResult whole_night(const std::string& run_id) {
  RunResult run = sample_nightly(run_id, "2026-11-30T01:00:00Z");
  run.matrix_sha256 = sha256_hex(std::string(kThreeCellMatrix));
  run.cells.clear();
  for (const char* kernel : {"k1", "k2", "k3"}) {
    CellResult c = sample_cell(kernel, "kmod-30", 1, 512,
                               {sample_test("kmod:0001", Verdict::kPass), sample_test("kmod:0009", Verdict::kPass)});
    for (auto& t : c.tests) t.log = "cells/" + c.cell.id() + "/tests/" + t.test.substr(5) + ".log";
    run.cells.push_back(c);
  }
  run.cells[1].tests[1].verdict = Verdict::kFail;
  run.cells[1].tests[1].as_expected = false;
  run.cells[0].tests[1].details = read_test_details(sample_observations(run.cells[0].cell.id()));
  return run;
}

// A shard run of whole_night's cells at `indexes` under root/<run_id>.
inline std::filesystem::path write_shard_run(const std::filesystem::path& root, const std::string& run_id, int k, int n,
                                             const std::vector<std::size_t>& indexes,
                                             std::string_view matrix_text = kThreeCellMatrix) {
  const RunResult whole = whole_night("whole");
  RunResult run = whole;
  run.run_id = run_id;
  run.matrix_sha256 = sha256_hex(std::string(matrix_text));
  run.started_at = "2026-11-30T01:0" + std::to_string(k) + ":00Z";
  run.finished_at = "2026-11-30T02:0" + std::to_string(k) + ":00Z";
  run.cells.clear();
  run.shard = ShardRecord{k, n, {}, "limits"};
  for (std::size_t i : indexes) {
    run.cells.push_back(whole.cells.at(i));
    run.shard->cells.push_back(whole.cells.at(i).cell.id());
  }
  const auto dir = root / run_id;
  std::filesystem::create_directories(dir);
  write_file_atomically(dir / "matrix.toml", std::string(matrix_text));
  for (const auto& cell : run.cells)
    for (const auto& file : files_named_by(cell)) {
      std::filesystem::create_directories((dir / file).parent_path());
      write_file_atomically(dir / file, "output of " + file + " in " + run_id + "\n");
    }
  write_results_json(run, dir);
  return dir;
}

}  // namespace kmx::testing
