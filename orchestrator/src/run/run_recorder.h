// The run's results as its cells progress: each update goes, serialized
// and with the cells in matrix order, to every writer (results.json,
// matrix.txt, ...). The recorder itself writes nothing.
#pragma once

#include <mutex>
#include <optional>
#include <vector>

#include "results/run_result.h"
#include "results/run_writer.h"

namespace kmx {

class RunRecorder {
 public:
  RunRecorder(RunResult& run, std::size_t cells, std::vector<RunWriter*> writers)
      : run_(run), results_(cells), writers_(std::move(writers)) {}

  // What an interrupted run already decided (--resume); shown with the next update.
  void restore(std::size_t index, CellResult previous);
  std::optional<CellResult> result(std::size_t index);
  // A cell's result after a boot, or at its end.
  void publish(std::size_t index, const CellResult& result);
  // Once, after the last cell.
  void finish();

 private:
  void collect();

  RunResult& run_;
  std::mutex mutex_;
  std::vector<std::optional<CellResult>> results_;
  std::vector<RunWriter*> writers_;
};

}  // namespace kmx
