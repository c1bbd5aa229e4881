#include "bisect/bisection.h"

#include <bit>
#include <cstddef>
#include <stdexcept>

namespace kmx {

std::string_view to_string(StepOutcome outcome) {
  switch (outcome) {
    case StepOutcome::kOld:
      return "old";
    case StepOutcome::kNew:
      return "new";
    case StepOutcome::kSkip:
      return "skip";
  }
  return "skip";
}

std::optional<StepOutcome> parse_step_outcome(std::string_view text) {
  for (StepOutcome o : {StepOutcome::kOld, StepOutcome::kNew, StepOutcome::kSkip})
    if (to_string(o) == text) return o;
  return std::nullopt;
}

Bisection::Bisection(std::size_t count) : outcomes_(count) {
  if (count == 0) throw std::invalid_argument("Bisection needs at least the new end");
  outcomes_.back() = StepOutcome::kNew;
}

void Bisection::record(std::size_t position, StepOutcome outcome) {
  if (position >= outcomes_.size()) throw std::out_of_range("Bisection::record: no such position");
  if (position + 1 == outcomes_.size()) return;  // the new end stays new
  outcomes_[position] = outcome;
}

Bisection::Range Bisection::range() const {
  // The first new outcome bounds the range above; the last old one below it
  // bounds it below. An old outcome above the first new one is ignored here
  // (contradicted() reports it).
  std::size_t last = 0;
  while (outcomes_[last] != StepOutcome::kNew) ++last;
  std::size_t first = last;
  while (first > 0 && outcomes_[first - 1] != StepOutcome::kOld) --first;
  return {first, last};
}

std::optional<std::size_t> Bisection::next() const {
  const Range r = range();
  const auto first = static_cast<std::ptrdiff_t>(r.first);
  const auto last = static_cast<std::ptrdiff_t>(r.last);
  // Testing m splits first..last into first..m (new) and m+1..last (old).
  const std::ptrdiff_t middle = first + (last - first - 1) / 2;
  for (std::ptrdiff_t d = 0; d < last - first; ++d)
    for (std::ptrdiff_t candidate : {middle + d, middle - d})
      if (candidate >= first && candidate < last && !outcomes_[static_cast<std::size_t>(candidate)])
        return static_cast<std::size_t>(candidate);
  return std::nullopt;  // found, or everything left was skipped
}

std::size_t Bisection::untested() const {
  const Range r = range();
  std::size_t n = 0;
  for (std::size_t i = r.first; i < r.last; ++i) n += outcomes_[i] ? 0 : 1;
  return n;
}

int Bisection::steps_left() const { return static_cast<int>(std::bit_width(untested())); }

bool Bisection::contradicted() const {
  bool seen_new = false;
  for (const auto& o : outcomes_) {
    if (o == StepOutcome::kNew) seen_new = true;
    if (o == StepOutcome::kOld && seen_new) return true;
  }
  return false;
}

}  // namespace kmx
