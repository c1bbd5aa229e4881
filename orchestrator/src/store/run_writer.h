// Where a run's results go: results.json and the cell journal, history.db,
// the terminal matrix, the reports (JUnit, KTAP, KCIDB, HTML). run_matrix publishes to every writer and writes no file
// itself; an offline command (report, compare) feeds the same writers a run read back with read_run_result().
#pragma once

#include "store/run_result.h"

namespace kmx {

class RunWriter {
 public:
  virtual ~RunWriter() = default;
  // After every boot of a cell, and when the cell ends: `run` holds every
  // cell so far (in the order they first reported), `cell` the one that
  // changed. Calls are serialized. A writer here should cost the size of
  // `cell`, not of `run`: a matrix may have 10,000 cells.
  virtual void on_cell(const RunResult& run, const CellResult& cell) = 0;
  // Once, when the run has ended or stopped: its cells in matrix order.
  virtual void on_finish(const RunResult& run) = 0;
};

}  // namespace kmx
