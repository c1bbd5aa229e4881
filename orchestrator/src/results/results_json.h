// results.json: the machine-readable record of a run.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "results/run_result.h"

namespace kmx {

inline constexpr int kResultsFormatVersion = 1;

nlohmann::json to_json(const RunResult& run);
void write_results_json(const RunResult& run, const std::filesystem::path& run_dir);

// A whole run read back from its results.json: header, host, every cell
// (kernel and kmod carry name, source and the record of their keys, without
// settings), for offline commands on any run directory. Throws
// std::runtime_error naming the file when it is missing or unreadable.
RunResult read_run_result(const std::filesystem::path& run_dir);

// What an earlier (interrupted) run recorded, by cell id, for --resume.
// Cells carry tests and boots only; the caller supplies the Cell itself.
// Throws std::runtime_error naming the file when it cannot be read.
std::map<std::string, CellResult> read_cell_results(const std::filesystem::path& run_dir);

}  // namespace kmx
