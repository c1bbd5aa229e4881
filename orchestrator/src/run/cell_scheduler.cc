#include "run/cell_scheduler.h"

#include <algorithm>
#include <utility>

namespace kmx {

bool CellScheduler::ShapeOrder::operator()(const CellDemand& a, const CellDemand& b) const {
  const long size_a = static_cast<long>(a.vcpus) * a.memory_mib, size_b = static_cast<long>(b.vcpus) * b.memory_mib;
  if (size_a != size_b) return size_a > size_b;
  if (a.vcpus != b.vcpus) return a.vcpus > b.vcpus;
  return a.memory_mib > b.memory_mib;
}

CellScheduler::CellScheduler(HostBudget budget, std::vector<CellDemand> cells)
    : CellScheduler(std::vector<HostBudget>{budget}, std::move(cells), budget.max_jobs) {}

CellScheduler::CellScheduler(std::vector<HostBudget> hosts, std::vector<CellDemand> cells, int max_jobs,
                             const std::vector<bool>& ready)
    : cells_(std::move(cells)), pending_(cells_.size()), max_jobs_(max_jobs) {
  for (const auto& budget : hosts) hosts_.push_back({budget});
  for (std::size_t i = 0; i < cells_.size(); ++i)
    if (ready.empty() || ready.at(i)) queues_[cells_[i]].push_back(i);
}

void CellScheduler::release(std::size_t cell) { queues_[cells_[cell]].push_back(cell); }

bool CellScheduler::fits(const HostState& host, const CellDemand& d) const {
  if (host.lost) return false;
  if (host.vcpus + d.vcpus <= host.budget.vcpus && host.memory_mib + d.memory_mib <= host.budget.memory_mib)
    return true;
  // Over budget, a cell runs alone, and only where no host could ever fit it.
  if (host.jobs != 0) return false;
  return std::none_of(hosts_.begin(), hosts_.end(), [&](const HostState& h) {
    return !h.lost && d.vcpus <= h.budget.vcpus && d.memory_mib <= h.budget.memory_mib;
  });
}

std::optional<Placement> CellScheduler::start_next() {
  if (running_jobs_ >= max_jobs_) return std::nullopt;
  for (auto& [shape, queue] : queues_) {
    if (queue.empty()) continue;
    std::optional<std::size_t> best;
    for (std::size_t h = 0; h < hosts_.size(); ++h) {
      if (!fits(hosts_[h], shape)) continue;
      const int free = hosts_[h].budget.vcpus - hosts_[h].vcpus;
      if (!best || free > hosts_[*best].budget.vcpus - hosts_[*best].vcpus) best = h;
    }
    if (!best) continue;
    const std::size_t cell = queue.front();
    queue.pop_front();
    HostState& host = hosts_[*best];
    ++host.jobs;
    host.vcpus += shape.vcpus;
    host.memory_mib += shape.memory_mib;
    --pending_;
    ++running_jobs_;
    return Placement{cell, *best};
  }
  return std::nullopt;
}

std::optional<Placement> CellScheduler::peek_next() const {
  for (const auto& entry : queues_) {
    const CellDemand& shape = entry.first;  // named, not bound: lambdas capture it
    const std::deque<std::size_t>& queue = entry.second;
    if (queue.empty()) continue;
    // Where it fits now (only --jobs holds it back), else where it fits
    // once that host is empty, else (bigger than any host) anywhere; then
    // the most CPUs free.
    auto rank = [&](const HostState& host) {
      const int room = fits(host, shape)                                                                ? 2
                       : shape.vcpus <= host.budget.vcpus && shape.memory_mib <= host.budget.memory_mib ? 1
                                                                                                        : 0;
      return std::pair(room, host.budget.vcpus - host.vcpus);
    };
    std::optional<std::size_t> best;
    for (std::size_t h = 0; h < hosts_.size(); ++h)
      if (!hosts_[h].lost && (!best || rank(hosts_[h]) > rank(hosts_[*best]))) best = h;
    if (!best) return std::nullopt;
    return Placement{queue.front(), *best};
  }
  return std::nullopt;
}

void CellScheduler::finished(const Placement& placement) {
  HostState& host = hosts_[placement.host];
  --host.jobs;
  host.vcpus -= cells_[placement.cell].vcpus;
  host.memory_mib -= cells_[placement.cell].memory_mib;
  --running_jobs_;
}

void CellScheduler::requeue(std::size_t cell) {
  queues_[cells_[cell]].push_front(cell);
  ++pending_;
}

void CellScheduler::lose_host(std::size_t host) { hosts_[host].lost = true; }

std::size_t CellScheduler::hosts_left() const {
  return static_cast<std::size_t>(std::count_if(hosts_.begin(), hosts_.end(), [](const auto& h) { return !h.lost; }));
}

}  // namespace kmx
