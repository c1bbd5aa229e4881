// The run's results as its cells progress: each update goes, serialized,
// to every writer (results.json, matrix.txt, ...). An update costs the size
// of its cell, not of the run: the run's cells are kept in the order they
// first reported, and put in matrix order once, at the end. The recorder
// itself writes nothing. A writer that throws (a full disk) stops the run:
// that is reported once, and every later update is still offered to every
// writer.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/run_result.h"
#include "store/run_writer.h"

namespace kmx {

class RunRecorder {
 public:
  // `stop` is set when results can no longer be written.
  RunRecorder(RunResult& run, std::size_t cells, std::vector<RunWriter*> writers, std::atomic<bool>& stop)
      : run_(run), position_(cells), writers_(std::move(writers)), stop_(stop) {
    run_.cells.clear();
  }

  // What an interrupted run already decided (--resume); shown with the next update.
  void restore(std::size_t index, CellResult previous);
  std::optional<CellResult> result(std::size_t index);
  // A cell's result after a boot, or at its end.
  void publish(std::size_t index, const CellResult& result);
  // Once, after the last cell: the run's cells in matrix order.
  void finish();
  // Results cannot be written (why): the run stops; RunResult::recording_failure
  // keeps the first reason.
  void fail(const std::string& why);

 private:
  CellResult& store(std::size_t index, CellResult result);
  void offer(RunWriter* writer, const CellResult* cell);
  void note_failure(const std::string& why);

  RunResult& run_;
  std::mutex mutex_;
  // Where cell `index` sits in run_.cells, and the other way round.
  std::vector<std::optional<std::size_t>> position_;
  std::vector<std::size_t> index_of_;
  std::vector<RunWriter*> writers_;
  std::atomic<bool>& stop_;
};

}  // namespace kmx
