#include "run/cell_pool.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace kmx {

void ReadyCells::add(const std::vector<std::size_t>& cells) {
  std::lock_guard lock(mutex_);
  cells_.insert(cells_.end(), cells.begin(), cells.end());
  changed_.notify_all();
}

void ReadyCells::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

std::size_t run_cell_pool(CellScheduler& scheduler, const std::vector<std::string>& cell_ids,
                          const std::function<CellOutcome(const Placement&)>& run_one, Clock& clock,
                          const std::atomic<bool>* stop, ReadyCells* later,
                          const std::function<void(const Placement&)>& ahead) {
  ReadyCells own;
  ReadyCells& feed = later ? *later : own;
  if (!later) own.closed_ = true;
  std::mutex& mutex = feed.mutex_;
  std::condition_variable& changed = feed.changed_;
  std::size_t done = 0;
  const auto started = clock.now();
  std::vector<std::thread> threads;
  std::optional<std::size_t> named_ahead;  // given to `ahead`, not started yet
  std::unique_lock lock(mutex);
  while (!scheduler.all_started() || scheduler.running() > 0) {
    for (std::size_t cell : feed.cells_) scheduler.release(cell);
    feed.cells_.clear();
    while (!(stop && *stop)) {
      auto next = scheduler.start_next();
      if (!next) break;
      if (named_ahead == next->cell) named_ahead.reset();
      spdlog::info("progress: {} done, {} running, {} queued, {:.0f} s elapsed; starting {}", done,
                   scheduler.running() - 1, cell_ids.size() - done - scheduler.running(),
                   seconds_between(started, clock.now()), cell_ids[next->cell]);
      threads.emplace_back([&, placement = *next] {
        CellOutcome outcome = CellOutcome::kDone;
        // An exception leaving a thread would end the process (std::terminate).
        try {
          outcome = run_one(placement);
        } catch (const std::exception& e) {
          spdlog::error("cell {} ended with an exception: {}", cell_ids[placement.cell], e.what());
        } catch (...) {
          spdlog::error("cell {} ended with an exception that is not a std::exception", cell_ids[placement.cell]);
        }
        std::lock_guard finished(mutex);
        scheduler.finished(placement);
        if (outcome == CellOutcome::kHostLost) {
          scheduler.lose_host(placement.host);
          scheduler.requeue(placement.cell);
          spdlog::warn("{} goes back to the queue: its host was lost ({} host(s) left)", cell_ids[placement.cell],
                       scheduler.hosts_left());
        } else {
          ++done;
        }
        changed.notify_all();
      });
    }
    if (ahead && !named_ahead && !(stop && *stop) && scheduler.running() > 0)
      if (auto guess = scheduler.peek_next()) {
        named_ahead = guess->cell;
        try {
          ahead(*guess);
        } catch (const std::exception& e) {
          spdlog::warn("could not make {}'s VM ahead: {}", cell_ids[guess->cell], e.what());
        }
      }
    // Stopped, or nothing left that may still come.
    if (scheduler.running() == 0 && ((stop && *stop) || (feed.closed_ && feed.cells_.empty()))) break;
    changed.wait(lock);
  }
  lock.unlock();
  for (auto& t : threads) t.join();
  spdlog::info("progress: {} of {} cells done in {:.0f} s", done, cell_ids.size(),
               seconds_between(started, clock.now()));
  return done;
}

}  // namespace kmx
