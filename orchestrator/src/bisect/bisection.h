// The bisection itself, over commits in order where each is an ancestor of
// the next (a first-parent line): which position to test next, and what the
// outcomes so far prove. Pure: no git, no VMs. Like git's --term-old and
// --term-new, it finds the first commit with the new behaviour, whether
// that is a regression or a fix.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace kmx {

// What one tested commit showed; kSkip is git bisect's 125 (untestable).
enum class StepOutcome { kOld, kNew, kSkip };

std::string_view to_string(StepOutcome outcome);
std::optional<StepOutcome> parse_step_outcome(std::string_view text);

// Positions 0..count-1. The commit before position 0 is known old and the
// last position is known new (it is recorded so at construction).
class Bisection {
 public:
  explicit Bisection(std::size_t count);

  void record(std::size_t position, StepOutcome outcome);

  // The next position to test: the middle of what is left, or the nearest
  // untested position to it when the middle was skipped. nullopt when the
  // outcomes decide as much as they can.
  std::optional<std::size_t> next() const;

  // Where the first new commit can be: positions first..last. When next()
  // is nullopt this is the answer: one commit (found()) or, around skipped
  // commits, a range.
  struct Range {
    std::size_t first = 0;
    std::size_t last = 0;
    bool found() const { return first == last; }
  };
  Range range() const;

  // Untested positions that could still be the first new one.
  std::size_t untested() const;
  // About how many more steps: log2 of what is left.
  int steps_left() const;
  // An old outcome after a new one: the behaviour is not monotonic (a flaky
  // test, or a change made and reverted), so the answer is less certain.
  bool contradicted() const;

 private:
  std::vector<std::optional<StepOutcome>> outcomes_;
};

}  // namespace kmx
