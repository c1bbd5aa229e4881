// What `check` and `run` do before anything is written: read the matrix,
// hold it against the host's CPUs and memory, and look up every kernel and
// kmod it names (apt lookups, paths). A problem here is bad input (exit 2),
// found exactly where `run` would find it, and a run it rejects leaves no
// run directory behind.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli/context.h"
#include "matrix/matrix.h"
#include "store/run_result.h"

namespace kmx {

struct CheckedMatrix {
  Matrix matrix;
  std::vector<std::string> resolved;  // "kernel NAME: ..." and "kmod NAME: ...", one per table
};

// Throws (std::runtime_error, UnknownInputError) with every problem found.
// Sources that track a moving input (git) are pinned first (ImageSource::
// pin_inputs), to `pinned` where a resumed run recorded their commits.
CheckedMatrix check_matrix(Context& ctx, const std::filesystem::path& matrix_file,
                           const std::map<std::string, std::string>& pinned = {});

// What a run's cells recorded of each pinned source ("kernel NAME" or "kmod
// NAME" -> commit), for --resume.
std::map<std::string, std::string> recorded_pins(const std::map<std::string, CellResult>& cells);

}  // namespace kmx
