#include "run/image_pipeline.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>

namespace kmx {
namespace {

// Builds share the host with running guests: theirs is the lower priority.
constexpr int kBuildNice = 10;

}  // namespace

ImagePipeline::ImagePipeline(const std::vector<Cell>& cells, ImageSource& images, const std::atomic<bool>& stop,
                             PhaseTimings* timings)
    : cells_(cells), images_(images), stop_(stop), timings_(timings), ready_(cells.size(), false) {
  std::map<std::string, std::size_t> group_of;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    auto [it, added] = group_of.emplace(image_key(cells[i]), groups_.size());
    if (added) groups_.emplace_back();
    groups_[it->second].push_back(i);
  }
  if (groups_.empty()) return;
  PhaseSpan span(timings_, "images: the first, before any VM");
  settle(groups_.front(), true);
  for (std::size_t position : groups_.front()) ready_[position] = true;
  groups_.erase(groups_.begin());
}

ImagePipeline::~ImagePipeline() {
  if (thread_.joinable()) thread_.join();
}

void ImagePipeline::settle(const Group& group, bool before_any_vm) {
  const Cell& first = cells_[group.front()];
  std::optional<Image> built;
  std::string failure;
  try {
    built = images_.image_for(first);
  } catch (const UnknownInputError& e) {
    if (before_any_vm) throw;
    failure = std::string("bad input: ") + e.what();
    std::lock_guard lock(mutex_);
    if (!bad_input_) bad_input_ = e.what();
  } catch (const std::exception& e) {  // ImageError, or the cache's disk
    failure = e.what();
  } catch (...) {  // on the background thread, anything left would end the process
    failure = "an exception that is not a std::exception";
  }
  if (!failure.empty()) spdlog::error("[{}] no image: {}", first.id(), failure);
  std::lock_guard lock(mutex_);
  for (std::size_t position : group) {
    const int index = cells_[position].index;
    if (built)
      image_[index] = *built;
    else
      error_[index] = failure;
  }
}

void ImagePipeline::build_rest(ReadyCells& later) {
  if (groups_.empty()) {
    later.close();
    return;
  }
  thread_ = std::thread([this, &later] {
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), kBuildNice);
    for (const auto& group : groups_) {
      if (stop_) break;
      const auto start = std::chrono::steady_clock::now();
      {
        PhaseSpan span(timings_, "images: built beside running cells");
        settle(group, false);
      }
      // A cache hit takes milliseconds and is not news.
      if (const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start; took.count() >= 1)
        spdlog::info("[{}] its image took {:.1f} s, made while other cells ran", cells_[group.front()].id(),
                     took.count());
      later.add(group);
    }
    later.close();
  });
}

Image ImagePipeline::image(int cell_index) const {
  std::lock_guard lock(mutex_);
  return image_.at(cell_index);
}

std::optional<std::string> ImagePipeline::error(int cell_index) const {
  std::lock_guard lock(mutex_);
  if (auto it = error_.find(cell_index); it != error_.end()) return it->second;
  return std::nullopt;
}

std::optional<std::string> ImagePipeline::bad_input() const {
  std::lock_guard lock(mutex_);
  return bad_input_;
}

}  // namespace kmx
