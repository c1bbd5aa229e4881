// Runs cells side by side, each on its own thread, as the scheduler places
// them on hosts; logs progress (done, running, queued, elapsed). A cell
// whose host was lost goes back to the queue for the hosts left.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "os/clock.h"
#include "run/cell_scheduler.h"

namespace kmx {

enum class CellOutcome {
  kDone,      // every test of the cell has its verdict, or the run stopped
  kHostLost,  // the host went away: the tests left must run elsewhere
};

// Cells that become ready while the pool runs (their image now exists).
// Thread-safe: the image builder adds, the pool takes.
class ReadyCells {
 public:
  void add(const std::vector<std::size_t>& cells);
  // Nothing more will come: the pool may end once the rest has run.
  void close();

 private:
  friend std::size_t run_cell_pool(CellScheduler&, const std::vector<std::string>&,
                                   const std::function<CellOutcome(const Placement&)>&, Clock&,
                                   const std::atomic<bool>*, ReadyCells*, const std::function<void(const Placement&)>&);
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::size_t> cells_;
  bool closed_ = false;
};

// run_one(placement) runs a cell on a host to its end; what it throws is
// logged and the pool goes on. Once *stop is set no cell starts; running
// ones finish (their own code watches stop). With `later`, the cells the
// scheduler holds back are released as they arrive there, and the pool
// lasts until it is closed. With `ahead`, while every slot is busy the pool
// names the cell likely to start next (CellScheduler::peek_next), one at a
// time, so that its VM can be made before a slot frees; it must return at
// once. Returns the number of cells that ran to kDone.
std::size_t run_cell_pool(CellScheduler& scheduler, const std::vector<std::string>& cell_ids,
                          const std::function<CellOutcome(const Placement&)>& run_one, Clock& clock,
                          const std::atomic<bool>* stop, ReadyCells* later = nullptr,
                          const std::function<void(const Placement&)>& ahead = {});

}  // namespace kmx
