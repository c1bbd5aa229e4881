// A whole bisection: both ends first (they must behave differently), then
// the first-parent line from old to new, one step at a time; when the first
// new commit there is a merge, the commits it merged are bisected the same
// way. Every run goes to the state's save() at once, so a killed bisection
// resumes without repeating a finished step or run.
#pragma once

#include <string>
#include <vector>

#include "bisect/bisect_state.h"
#include "bisect/bisection.h"
#include "bisect/step_runner.h"
#include "images/git_repo.h"

namespace kmx {

class BisectSession {
 public:
  // ctx.save is called with nothing: it writes `state`.
  BisectSession(BisectState& state, const GitRepo& repo, StepRunner& runner, StepContext ctx)
      : state_(state), repo_(repo), runner_(runner), ctx_(std::move(ctx)) {}

  // Runs until the state is decided (found, range or failed), or until
  // ctx.stop is set (status stays running; run() again to resume).
  void run();

 private:
  bool run_ends();  // false: stopped or failed
  // Bisects `line` (its last commit known new). false: stopped.
  bool bisect_line(const std::vector<std::string>& line, Bisection& bisection);
  StepRecord& record_for(const std::string& commit, const std::string& role);
  Behaviour behaviour() const;
  void fail(const std::string& failure, const std::string& message);
  void finish(const std::vector<std::string>& line, const Bisection::Range& range);
  // Reruns the culprit and its parent and reads the culprit's diff. false: stopped.
  bool verify_culprit();
  void log_progress(const std::vector<std::string>& line, const Bisection& bisection, std::size_t next) const;
  void save() const;

  BisectState& state_;
  const GitRepo& repo_;
  StepRunner& runner_;
  StepContext ctx_;
};

// "2m31s", "1h04m", "12s".
std::string format_duration(double seconds);

}  // namespace kmx
