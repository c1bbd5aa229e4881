// results.json: the machine-readable record of a run.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "results/run_result.h"

namespace kmx {

inline constexpr int kResultsFormatVersion = 1;

nlohmann::json to_json(const RunResult& run);
void write_results_json(const RunResult& run, const std::filesystem::path& run_dir);

}  // namespace kmx
