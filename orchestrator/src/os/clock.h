// Time as the orchestrator sees it: injected so watchdog logic is testable.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace kmx {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

class SystemClock : public Clock {
 public:
  TimePoint now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::milliseconds duration) override;
};

inline double seconds_between(Clock::TimePoint from, Clock::TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

// How long ago the kernel started this process (exec), from /proc; nullopt
// where /proc does not say.
std::optional<double> seconds_since_process_start();

// "2026-11-22T23:38:00Z" for results files.
std::string utc_timestamp();

}  // namespace kmx
