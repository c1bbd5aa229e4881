#include "os/phase_timings.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace kmx {

void PhaseTimings::add(std::string_view phase, double seconds) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(phases_.begin(), phases_.end(), [&](const Phase& p) { return p.name == phase; });
  if (it == phases_.end()) it = phases_.insert(phases_.end(), Phase{std::string(phase), {}});
  it->seconds.push_back(seconds);
}

std::vector<PhaseTimings::Phase> PhaseTimings::phases() const {
  std::lock_guard lock(mutex_);
  return phases_;
}

std::string PhaseTimings::render() const {
  char line[256];
  std::snprintf(line, sizeof line, "%-44s %6s %9s %9s %9s\n", "phase", "count", "total_s", "median_s", "max_s");
  std::string out = line;
  for (auto phase : phases()) {
    auto& s = phase.seconds;
    std::sort(s.begin(), s.end());
    const double median = s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
    std::snprintf(line, sizeof line, "%-44.44s %6zu %9.3f %9.3f %9.3f\n", phase.name.c_str(), s.size(),
                  std::accumulate(s.begin(), s.end(), 0.0), median, s.back());
    out += line;
  }
  return out;
}

}  // namespace kmx
