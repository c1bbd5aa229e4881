#include "run/cell_scheduler.h"

namespace kmx {

CellScheduler::CellScheduler(HostBudget budget, std::vector<CellDemand> cells)
    : budget_(budget), cells_(std::move(cells)), started_(cells_.size(), false), pending_(cells_.size()) {}

bool CellScheduler::fits(const CellDemand& d) const {
  if (running_jobs_ >= budget_.max_jobs) return false;
  if (running_jobs_ == 0) return true;  // alone, anything runs
  return used_vcpus_ + d.vcpus <= budget_.vcpus && used_memory_ + d.memory_mib <= budget_.memory_mib;
}

std::optional<std::size_t> CellScheduler::start_next() {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    if (started_[i] || !fits(cells_[i])) continue;
    const auto size = [&](std::size_t k) { return static_cast<long>(cells_[k].vcpus) * cells_[k].memory_mib; };
    if (!best || size(i) > size(*best)) best = i;
  }
  if (!best) return std::nullopt;
  started_[*best] = true;
  --pending_;
  ++running_jobs_;
  used_vcpus_ += cells_[*best].vcpus;
  used_memory_ += cells_[*best].memory_mib;
  return best;
}

void CellScheduler::finished(std::size_t index) {
  --running_jobs_;
  used_vcpus_ -= cells_[index].vcpus;
  used_memory_ -= cells_[index].memory_mib;
}

}  // namespace kmx
