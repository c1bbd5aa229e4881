// Which cell starts next, and on which host, given what runs where and what
// each host can give. Pure: the run loop asks, this answers. Cells wait in
// queues by shape (vCPUs x memory), largest first, so a decision costs the
// number of shapes times the number of hosts, whatever the matrix's size.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <vector>

namespace kmx {

struct HostBudget {
  int vcpus = 1;        // host CPUs: TCG burns one host thread per busy vCPU
  long memory_mib = 0;  // what VMs may use together, safety margin already taken off
  int max_jobs = 1;     // single-host form: the user's --jobs
};

struct CellDemand {
  int vcpus = 1;
  long memory_mib = 0;
};

struct Placement {
  std::size_t cell = 0;
  std::size_t host = 0;
  bool operator==(const Placement&) const = default;
};

class CellScheduler {
 public:
  // One host; budget.max_jobs cells at once.
  CellScheduler(HostBudget budget, std::vector<CellDemand> cells);
  // Several hosts; max_jobs cells at once over all of them. With `ready`
  // given, a cell whose entry is false waits (its image is being built)
  // until release() queues it.
  CellScheduler(std::vector<HostBudget> hosts, std::vector<CellDemand> cells, int max_jobs,
                const std::vector<bool>& ready = {});

  // A pending cell and a host it fits on next to what runs there: the
  // largest cell that fits anywhere (so big cells are not starved at the
  // end), on the host with the most CPUs free. A cell bigger than a whole
  // host still runs there, alone. nullopt: nothing fits now.
  std::optional<Placement> start_next();
  // The cell start_next would give once running cells make room, and the
  // host it would likely go to; nullopt when none waits or no host is left.
  // A guess, to make its domain ahead: start_next decides.
  std::optional<Placement> peek_next() const;
  void finished(const Placement& placement);
  // The cell goes back to the queue (its host was lost mid-cell).
  void requeue(std::size_t cell);
  // A waiting cell may start.
  void release(std::size_t cell);
  // The host gets no more cells.
  void lose_host(std::size_t host);
  bool all_started() const { return pending_ == 0; }
  int running() const { return running_jobs_; }
  // Hosts not lost.
  std::size_t hosts_left() const;

 private:
  struct HostState {
    HostBudget budget;
    bool lost = false;
    int jobs = 0;
    int vcpus = 0;
    long memory_mib = 0;
  };
  // Largest first; equal sizes by vCPUs, then memory.
  struct ShapeOrder {
    bool operator()(const CellDemand& a, const CellDemand& b) const;
  };
  bool fits(const HostState& host, const CellDemand& d) const;

  std::vector<HostState> hosts_;
  std::vector<CellDemand> cells_;
  std::map<CellDemand, std::deque<std::size_t>, ShapeOrder> queues_;
  std::size_t pending_;
  int max_jobs_;
  int running_jobs_ = 0;
};

}  // namespace kmx
