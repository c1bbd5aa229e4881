// Runs cells side by side, each on its own thread, as the scheduler places
// them on hosts; logs progress (done, running, queued, elapsed). A cell
// whose host was lost goes back to the queue for the hosts left.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "os/clock.h"
#include "run/cell_scheduler.h"

namespace kmx {

enum class CellOutcome {
  kDone,      // every test of the cell has its verdict, or the run stopped
  kHostLost,  // the host went away: the tests left must run elsewhere
};

// run_one(placement) runs a cell on a host to its end; what it throws is
// logged and the pool goes on. Once *stop is set no cell starts; running
// ones finish (their own code watches stop). Returns the number of cells
// that ran to kDone.
std::size_t run_cell_pool(CellScheduler& scheduler, const std::vector<std::string>& cell_ids,
                          const std::function<CellOutcome(const Placement&)>& run_one, Clock& clock,
                          const std::atomic<bool>* stop);

}  // namespace kmx
