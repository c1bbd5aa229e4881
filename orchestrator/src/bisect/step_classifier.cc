#include "bisect/step_classifier.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace kmx {
namespace {

const std::map<Verdict, int>& end_of(const Behaviour& b, StepOutcome side) {
  return side == StepOutcome::kOld ? b.old_end : b.new_end;
}

StepOutcome other(StepOutcome side) { return side == StepOutcome::kOld ? StepOutcome::kNew : StepOutcome::kOld; }

// A failure can hide in a run that happened to pass; PASS and SKIP cannot.
bool marks_can_hide(const std::set<Verdict>& marks) {
  return !marks.empty() && std::all_of(marks.begin(), marks.end(), [](Verdict v) {
    return v != Verdict::kPass && v != Verdict::kSkip && v != Verdict::kFlaky;
  });
}

// The side whose marks win as soon as they show, if any: the only side with
// marks, or the side whose marks are failures when the other's are not.
std::optional<StepOutcome> wins_on_sight(const Behaviour& b, StepOutcome side) {
  const auto mine = b.marks(side);
  const auto theirs = b.marks(other(side));
  if (mine.empty()) return std::nullopt;
  if (theirs.empty() || (marks_can_hide(mine) && !marks_can_hide(theirs))) return side;
  return std::nullopt;
}

std::string verdict_list(const std::set<Verdict>& verdicts) {
  std::string out;
  for (Verdict v : verdicts) out += (out.empty() ? "" : " or ") + std::string(to_string(v));
  return out.empty() ? "-" : out;
}

std::string end_summary(const std::map<Verdict, int>& end) {
  std::string out;
  for (const auto& [v, n] : end)
    out += (out.empty() ? "" : ", ") + std::string(to_string(v)) + " x" + std::to_string(n);
  return out.empty() ? "-" : out;
}

int percent(double rate) { return static_cast<int>(std::lround(rate * 100)); }

}  // namespace

std::set<Verdict> Behaviour::marks(StepOutcome side) const {
  const auto& mine = end_of(*this, side);
  const auto& theirs = end_of(*this, other(side));
  std::set<Verdict> out;
  for (const auto& [v, n] : mine)
    if (n > 0 && !theirs.count(v)) out.insert(v);
  return out;
}

double Behaviour::mark_rate(StepOutcome side) const {
  const auto& mine = end_of(*this, side);
  const auto marked = marks(side);
  int total = 0, showing = 0;
  for (const auto& [v, n] : mine) {
    total += n;
    if (marked.count(v)) showing += n;
  }
  return total == 0 ? 0.0 : static_cast<double>(showing) / total;
}

Behaviour behaviour_from(const std::vector<Verdict>& old_runs, const std::vector<Verdict>& new_runs) {
  Behaviour b;
  for (Verdict v : old_runs)
    if (v != Verdict::kError) ++b.old_end[v];
  for (Verdict v : new_runs)
    if (v != Verdict::kError) ++b.new_end[v];
  return b;
}

std::string describe_runs(const std::vector<Verdict>& runs) {
  std::map<Verdict, int> counts;
  for (Verdict v : runs) ++counts[v];
  std::string out;
  for (const auto& [v, n] : counts)
    out += (out.empty() ? "" : ", ") + std::string(to_string(v)) + " " + std::to_string(n) + " of " +
           std::to_string(runs.size());
  return out.empty() ? "no runs" : out;
}

StepClass classify_step(const Behaviour& b, const std::vector<Verdict>& runs) {
  std::vector<Verdict> valid;
  for (Verdict v : runs)
    if (v != Verdict::kError) valid.push_back(v);
  const std::string seen = describe_runs(runs);
  if (valid.empty()) return {StepOutcome::kSkip, seen + ": the harness failed, or the kernel did not boot", 1.0};

  const auto old_marks = b.marks(StepOutcome::kOld);
  const auto new_marks = b.marks(StepOutcome::kNew);
  const auto count_in = [&](const std::set<Verdict>& marks) {
    return std::count_if(valid.begin(), valid.end(), [&](Verdict v) { return marks.count(v) > 0; });
  };
  const long n_old = count_in(old_marks);
  const long n_new = count_in(new_marks);

  if (n_old > 0 || n_new > 0) {
    for (StepOutcome side : {StepOutcome::kNew, StepOutcome::kOld}) {
      const long mine = side == StepOutcome::kNew ? n_new : n_old;
      const long theirs = side == StepOutcome::kNew ? n_old : n_new;
      if (mine > 0 && (theirs == 0 || wins_on_sight(b, side)))
        return {side,
                seen + ": " + verdict_list(b.marks(side)) + " is the " + std::string(to_string(side)) + " behaviour" +
                    (theirs > 0 ? ", and a failure shows even when a run hides it" : ""),
                1.0};
    }
    // Both sides' marks, neither winning on sight: the majority, with its share as confidence.
    if (n_old == n_new) return {StepOutcome::kSkip, seen + ": old and new behaviour equally often", 1.0};
    const StepOutcome side = n_new > n_old ? StepOutcome::kNew : StepOutcome::kOld;
    return {side, seen + ": mostly the " + std::string(to_string(side)) + " behaviour",
            static_cast<double>(std::max(n_old, n_new)) / static_cast<double>(n_old + n_new)};
  }

  std::set<Verdict> foreign;
  for (Verdict v : valid)
    if (!b.old_end.count(v) && !b.new_end.count(v)) foreign.insert(v);
  if (!foreign.empty())
    return {StepOutcome::kSkip,
            seen + ": " + verdict_list(foreign) + " is neither side's (old end: " + end_summary(b.old_end) +
                "; new end: " + end_summary(b.new_end) + ")",
            1.0};
  // Only verdicts both ends gave: the side without marks, unless both have them.
  for (StepOutcome side : {StepOutcome::kOld, StepOutcome::kNew}) {
    const auto absent = b.marks(other(side));
    if (!b.marks(side).empty() || absent.empty()) continue;
    const double rate = b.mark_rate(other(side));
    const double confidence = 1.0 - std::pow(1.0 - rate, static_cast<double>(valid.size()));
    return {side,
            seen + ": no " + verdict_list(absent) + ", which showed in " + std::to_string(percent(rate)) + "% of the " +
                std::string(to_string(other(side))) + " end's runs",
            confidence};
  }
  return {StepOutcome::kSkip, seen + ": only verdicts both ends gave", 1.0};
}

bool decided_early(const Behaviour& b, const std::vector<Verdict>& runs) {
  for (StepOutcome side : {StepOutcome::kOld, StepOutcome::kNew}) {
    if (!wins_on_sight(b, side)) continue;
    const auto marks = b.marks(side);
    if (std::any_of(runs.begin(), runs.end(), [&](Verdict v) { return marks.count(v) > 0; })) return true;
  }
  return false;
}

int default_runs(const Behaviour& b) {
  constexpr double kMissAtMost = 0.05;
  constexpr int kMaxRuns = 6;
  double rate = 1.0;
  for (StepOutcome side : {StepOutcome::kOld, StepOutcome::kNew})
    if (!b.marks(side).empty()) rate = std::min(rate, b.mark_rate(side));
  if (rate >= 1.0) return 1;
  if (rate <= 0.0) return kMaxRuns;
  const int needed = static_cast<int>(std::ceil(std::log(kMissAtMost) / std::log(1.0 - rate)));
  return std::clamp(needed, 2, kMaxRuns);
}

}  // namespace kmx
