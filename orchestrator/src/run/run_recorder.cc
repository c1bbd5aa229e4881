#include "run/run_recorder.h"

namespace kmx {

void RunRecorder::restore(std::size_t index, CellResult previous) {
  std::lock_guard lock(mutex_);
  results_.at(index) = std::move(previous);
}

std::optional<CellResult> RunRecorder::result(std::size_t index) {
  std::lock_guard lock(mutex_);
  return results_.at(index);
}

void RunRecorder::collect() {
  run_.cells.clear();
  for (const auto& r : results_)
    if (r) run_.cells.push_back(*r);
}

void RunRecorder::publish(std::size_t index, const CellResult& result) {
  std::lock_guard lock(mutex_);
  results_.at(index) = result;
  collect();
  for (RunWriter* writer : writers_) writer->on_cell(run_, result);
}

void RunRecorder::finish() {
  std::lock_guard lock(mutex_);
  collect();  // restored cells count even when nothing ran
  for (RunWriter* writer : writers_) writer->on_finish(run_);
}

}  // namespace kmx
