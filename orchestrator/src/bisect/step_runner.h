// A bisection step: the test at one commit, run N times in fresh boots and
// read as old, new or skip. StepRunner is the seam: the real one
// (matrix_step_runner.h) builds the revision into the matrix's one cell and
// boots it; tests give verdicts per commit.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "bisect/bisect_state.h"
#include "bisect/step_classifier.h"
#include "os/clock.h"

namespace kmx {

// The revision does not build (kmod or kernel): the step is a skip, and
// another run would not change that.
class StepBuildError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StepRunner {
 public:
  virtual ~StepRunner() = default;
  // Builds `commit` (the first time it is asked for) and runs the test once
  // in a fresh boot; `run` counts from 1. nullopt: stopped before a
  // verdict. Throws StepBuildError.
  virtual std::optional<RunRecord> run(const std::string& commit, int run) = 0;
};

struct StepContext {
  Clock& clock;
  std::function<void()> save;  // after every run: a killed bisection loses at most the run in flight
  const std::atomic<bool>* stop = nullptr;
  std::string axis = "kmod";  // what does not build, in a skip's reason
};

enum class RunsEnd { kComplete, kDoesNotBuild, kStopped };

struct RunsResult {
  RunsEnd end = RunsEnd::kComplete;
  std::string build_error;  // kDoesNotBuild: the builder's message
};

// Runs until `record` holds `runs` runs, or `enough` says more cannot
// change anything. Runs already in record (an interrupted bisection) count.
RunsResult collect_runs(StepRunner& runner, StepRecord& record, int runs,
                        const std::function<bool(const std::vector<Verdict>&)>& enough, const StepContext& ctx);

// A bisection step: up to `runs` runs (fewer once a mark decides it), then
// its outcome, reason and confidence in `record`. false: stopped, the
// record keeps the runs done so far.
bool test_step(StepRunner& runner, const Behaviour& behaviour, StepRecord& record, int runs, const StepContext& ctx);

}  // namespace kmx
