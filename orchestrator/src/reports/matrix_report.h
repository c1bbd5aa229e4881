// The terminal matrix: one row per cell, one column per test.
#pragma once

#include <string>

#include "store/run_result.h"

namespace kmx {

// Unexpected verdicts are marked with '!'; a legend and summary follow.
std::string render_matrix(const RunResult& run);

}  // namespace kmx
