// Where a run's wall time goes (run --timings): named phases, each with how
// often it happened and its total, median and largest duration, in the order
// first seen. Cells on several workers add to one table.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kmx {

class PhaseTimings {
 public:
  struct Phase {
    std::string name;
    std::vector<double> seconds;  // one per time it happened
  };

  void add(std::string_view phase, double seconds);
  std::vector<Phase> phases() const;
  // A table: phase, count, total, median and max seconds.
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Phase> phases_;
};

// Adds the wall time of its own life to `phase`; does nothing without a table.
class PhaseSpan {
 public:
  PhaseSpan(PhaseTimings* timings, std::string_view phase)
      : timings_(timings), phase_(phase), start_(std::chrono::steady_clock::now()) {}
  ~PhaseSpan() {
    if (timings_)
      timings_->add(phase_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  PhaseSpan(const PhaseSpan&) = delete;
  PhaseSpan& operator=(const PhaseSpan&) = delete;

 private:
  PhaseTimings* timings_;
  std::string phase_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace kmx
