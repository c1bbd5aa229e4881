#include "run/run_recorder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>

namespace kmx {

CellResult& RunRecorder::store(std::size_t index, CellResult result) {
  if (const auto at = position_.at(index)) return run_.cells[*at] = std::move(result);
  position_[index] = run_.cells.size();
  index_of_.push_back(index);
  return run_.cells.emplace_back(std::move(result));
}

void RunRecorder::restore(std::size_t index, CellResult previous) {
  std::lock_guard lock(mutex_);
  store(index, std::move(previous));
}

std::optional<CellResult> RunRecorder::result(std::size_t index) {
  std::lock_guard lock(mutex_);
  if (const auto at = position_.at(index)) return run_.cells[*at];
  return std::nullopt;
}

void RunRecorder::publish(std::size_t index, const CellResult& result) {
  std::lock_guard lock(mutex_);
  const CellResult& stored = store(index, result);
  for (RunWriter* writer : writers_) offer(writer, &stored);
}

void RunRecorder::finish() {
  std::lock_guard lock(mutex_);
  // Matrix order: one sort of the cells' positions, then one move each.
  std::vector<std::size_t> order(run_.cells.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return index_of_[a] < index_of_[b]; });
  std::vector<CellResult> sorted;
  sorted.reserve(order.size());
  std::vector<std::size_t> sorted_index;
  for (std::size_t at : order) {
    position_[index_of_[at]] = sorted.size();
    sorted_index.push_back(index_of_[at]);
    sorted.push_back(std::move(run_.cells[at]));
  }
  run_.cells = std::move(sorted);
  index_of_ = std::move(sorted_index);
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
