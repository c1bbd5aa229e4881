// Runs cells side by side, each on its own thread, as the scheduler lets
// them start; logs progress (done, running, queued, elapsed).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "os/clock.h"
#include "run/cell_scheduler.h"

namespace kmx {

// run_one(i) runs cell i to its end; what it throws is logged and the pool
// goes on. Once *stop is set no cell starts; running ones finish (their own
// code watches stop). Returns the number of cells that ran.
std::size_t run_cell_pool(CellScheduler& scheduler, const std::vector<std::string>& cell_ids,
                          const std::function<void(std::size_t)>& run_one, Clock& clock, const std::atomic<bool>* stop);

}  // namespace kmx
