// Linearity checks for scans of untrusted input: the CPU time this thread
// spends on a piece of work, the least of a few tries so that a busy
// machine's noise counts as little as it can. Tests compare such times at
// two input sizes (a ratio), never against a wall-clock limit.
#pragma once

#include <time.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace kmx::testing {

template <class Work>
double least_cpu_seconds(Work&& work, int tries = 3) {
  double least = 1e300;
  for (int i = 0; i < tries; ++i) {
    timespec start{}, end{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
    work();
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
    least = std::min(least, double(end.tv_sec - start.tv_sec) + double(end.tv_nsec - start.tv_nsec) * 1e-9);
  }
  return least;
}

// A single line of `fragment` repeated to `bytes`.
inline std::string repeated_line(std::string_view fragment, std::size_t bytes) {
  std::string line;
  line.reserve(bytes + fragment.size());
  while (line.size() < bytes) line += fragment;
  return line;
}

}  // namespace kmx::testing
