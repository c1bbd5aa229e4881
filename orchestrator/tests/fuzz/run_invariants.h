// What every reader of a run's files must guarantee of the RunResult it
// returns, whatever bytes it was given (issue 25): the fuzz targets over
// results.json, cells.jsonl and the reports check it.
#pragma once

#include "fuzz_check.h"
#include "matrix/matrix.h"
#include "os/contained_files.h"
#include "store/run_result.h"

namespace kmx::fuzz {

inline void check_read_back(const RunResult& run) {
  require(run.run_id.empty() || name_problem(run.run_id).empty());
  for (const auto& cell : run.cells) {
    require(name_problem(cell.cell.kernel.name).empty());
    require(name_problem(cell.cell.kmod.name).empty());
    for (const auto& t : cell.tests) require(t.log.empty() || relative_path_problem(t.log).empty());
    for (const auto& b : cell.boots) {
      require(b.console_log.empty() || relative_path_problem(b.console_log).empty());
      require(b.agent_log.empty() || relative_path_problem(b.agent_log).empty());
    }
  }
}

}  // namespace kmx::fuzz
