#include "memory_sampler.h"

#include <unistd.h>

#include "kmx/protocol.h"
#include "proc_reader.h"

namespace kmx::agent {

MemorySample sample_memory(double t) {
  MemorySample s;
  s.t = t;
  const std::string meminfo = read_bounded("/proc/meminfo");
  s.available_kib = meminfo_kib(meminfo, "MemAvailable");
  s.slab_kib = meminfo_kib(meminfo, "Slab");
  s.vmalloc_kib = meminfo_kib(meminfo, "VmallocUsed");
  s.committed_kib = meminfo_kib(meminfo, "Committed_AS");
  s.oom_kills = vmstat_value(read_bounded("/proc/vmstat"), "oom_kill");
  const pid_t self = ::getpid();
  for_each_process([&](const ProcStat& p) {
    if (!p.kernel_thread && p.pid != self) ++s.processes;
  });
  return s;
}

nlohmann::json to_event_fields(const MemorySample& s) {
  return {{"t", s.t},
          {"avail", s.available_kib},
          {"slab", s.slab_kib},
          {"vmalloc", s.vmalloc_kib},
          {"committed", s.committed_kib},
          {"oom_kills", s.oom_kills},
          {"procs", s.processes}};
}

bool SampleSchedule::due(double elapsed) {
  if (elapsed < next_) return false;
  const double step = (elapsed < protocol::kFastSampleSeconds ? protocol::kFastSampleMs : protocol::kSampleMs) / 1000.0;
  // Catch up without a burst when the agent was starved for a while.
  while (next_ <= elapsed) next_ += step;
  return true;
}

}  // namespace kmx::agent
