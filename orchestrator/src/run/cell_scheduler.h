// Which cell may start next, given what is running and what the host can
// give. Pure: the run loop asks, this answers.
#pragma once

#include <optional>
#include <vector>

namespace kmx {

struct HostBudget {
  int vcpus = 1;        // host CPUs: TCG burns one host thread per busy vCPU
  long memory_mib = 0;  // what VMs may use together, safety margin already taken off
  int max_jobs = 1;     // the user's --jobs
};

struct CellDemand {
  int vcpus = 1;
  long memory_mib = 0;
};

class CellScheduler {
 public:
  CellScheduler(HostBudget budget, std::vector<CellDemand> cells);

  // The index of a pending cell that fits next to the running ones (the
  // largest that fits, so big cells are not starved at the end), or
  // nullopt. A cell bigger than the whole budget still runs, alone.
  std::optional<std::size_t> start_next();
  void finished(std::size_t index);
  bool all_started() const { return pending_ == 0; }
  int running() const { return running_jobs_; }

 private:
  bool fits(const CellDemand& d) const;

  HostBudget budget_;
  std::vector<CellDemand> cells_;
  std::vector<bool> started_;
  std::size_t pending_;
  int running_jobs_ = 0;
  int used_vcpus_ = 0;
  long used_memory_ = 0;
};

}  // namespace kmx
