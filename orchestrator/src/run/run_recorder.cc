#include "run/run_recorder.h"

#include <spdlog/spdlog.h>

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
  for (RunWriter* writer : writers_) offer(writer, &result);
}

void RunRecorder::finish() {
  std::lock_guard lock(mutex_);
  collect();  // restored cells count even when nothing ran
  for (RunWriter* writer : writers_) offer(writer, nullptr);
}

void RunRecorder::fail(const std::string& why) {
  std::lock_guard lock(mutex_);
  note_failure(why);
}

// One writer's failure neither reaches the cell's worker nor keeps the
// other writers from their copy.
void RunRecorder::offer(RunWriter* writer, const CellResult* cell) {
  try {
    if (cell)
      writer->on_cell(run_, *cell);
    else
      writer->on_finish(run_);
  } catch (const std::exception& e) {
    note_failure(e.what());
  } catch (...) {
    note_failure("a results writer failed with an exception that is not a std::exception");
  }
}

void RunRecorder::note_failure(const std::string& why) {
  if (!run_.recording_failure.empty()) return;  // reported once
  run_.recording_failure = why;
  spdlog::error("results could not be written: {}; stopping the run", why);
  stop_ = true;
}

}  // namespace kmx
