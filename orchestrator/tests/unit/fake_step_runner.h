// A StepRunner whose verdicts are a function of (commit, run): bisection
// tested without building or booting anything.
#pragma once

#include <atomic>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bisect/step_runner.h"
#include "fakes.h"

namespace kmx::testing {

class FakeStepRunner : public StepRunner {
 public:
  using Verdicts = std::function<Verdict(const std::string& commit, int run)>;
  explicit FakeStepRunner(Verdicts verdicts) : verdicts_(std::move(verdicts)) {}

  std::optional<RunRecord> run(const std::string& commit, int run) override {
    asked.push_back({commit, run});
    if (clock) clock->sleep_for(std::chrono::seconds(60));
    if (unbuildable.count(commit)) throw StepBuildError("make: *** [Makefile:12: all] Error 2\nmore");
    if (stop_after > 0 && static_cast<int>(asked.size()) >= stop_after && stop) {
      *stop = true;
      return std::nullopt;
    }
    const Verdict v = verdicts_(commit, run);
    return RunRecord{v, v == Verdict::kError ? "boot-timeout: no agent event" : "",
                     "steps/" + commit.substr(0, 12) + "/run-" + std::to_string(run), 0, 10.0};
  }

  std::vector<std::pair<std::string, int>> asked;  // (commit, run), in order
  std::set<std::string> unbuildable;
  FakeClock* clock = nullptr;         // each run takes a minute
  std::atomic<bool>* stop = nullptr;  // set at the stop_after-th run, which then returns nothing
  int stop_after = 0;

 private:
  Verdicts verdicts_;
};

}  // namespace kmx::testing
