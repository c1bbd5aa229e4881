// A ProbeRunner answering from a script: a verdict per value (by default
// bad below a threshold), overridden per (value, repeat); every call is
// recorded.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "boundary/boundary_search.h"

namespace kmx::testing {

class FakeProbeRunner : public ProbeRunner {
 public:
  // OOM below `first_good`, PASS from there.
  explicit FakeProbeRunner(int first_good, Verdict bad = Verdict::kOom)
      : verdict_of_([first_good, bad](int value) { return value < first_good ? bad : Verdict::kPass; }) {}

  void answer(int value, int repeat, Verdict v) { scripted_[{value, repeat}] = v; }
  void stop_at(int probe) { stop_at_ = probe; }

  std::optional<RunRecord> run(int value, int repeat) override {
    calls.emplace_back(value, repeat);
    if (stop_at_ && static_cast<int>(calls.size()) == *stop_at_) return std::nullopt;
    const auto it = scripted_.find({value, repeat});
    const Verdict v = it != scripted_.end() ? it->second : verdict_of_(value);
    return RunRecord{v, "scripted " + std::string(to_string(v)),
                     "probes/memory_mib-" + std::to_string(value) + "-" + std::to_string(repeat), 0, 2.5};
  }

  std::vector<std::pair<int, int>> calls;  // (value, repeat)

 private:
  std::function<Verdict(int)> verdict_of_;
  std::map<std::pair<int, int>, Verdict> scripted_;
  std::optional<int> stop_at_;
};

}  // namespace kmx::testing
