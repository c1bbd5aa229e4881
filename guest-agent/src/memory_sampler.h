// Memory over time while a test runs: what an OOM verdict is read against.
#pragma once

#include <nlohmann/json.hpp>

namespace kmx::agent {

struct MemorySample {
  double t = 0;  // seconds since the test started
  long available_kib = -1;
  long slab_kib = -1;
  long vmalloc_kib = -1;
  long committed_kib = -1;
  long oom_kills = -1;  // /proc/vmstat oom_kill (5.0+)
  long processes = 0;   // user-space processes of the guest, the agent excluded
};

MemorySample sample_memory(double t);

// The "sample" event's fields, without the test id.
nlohmann::json to_event_fields(const MemorySample& sample);

// When the next sample is due: fast at first, then once a second.
class SampleSchedule {
 public:
  // Returns true (and moves on) when a sample is due at `elapsed` seconds.
  bool due(double elapsed);

 private:
  double next_ = 0;
};

}  // namespace kmx::agent
