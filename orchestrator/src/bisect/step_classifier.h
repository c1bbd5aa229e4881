// Verdicts to old, new or skip. The two ends of a bisection say what old
// and new look like (their "marks": verdicts seen at one end only); each
// step's runs are then read against them. A failure can hide (a race lost
// in one run of three), so seeing it once is enough, as syzkaller's
// bisection treats crashes; a step where neither side shows, or a verdict
// neither end gave (an OOM while bisecting a FAIL), or only ERROR, is a
// skip. Pure functions.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "bisect/bisection.h"
#include "verdict/verdict.h"

namespace kmx {

// What each end showed, verdict -> runs; ERROR (the harness) is left out.
struct Behaviour {
  std::map<Verdict, int> old_end;
  std::map<Verdict, int> new_end;

  std::set<Verdict> marks(StepOutcome side) const;  // verdicts seen at that end only
  // The share of that end's runs that showed one of its marks (1 when its
  // marks are its only verdicts, 0 when it has none).
  double mark_rate(StepOutcome side) const;
  bool differs() const { return !marks(StepOutcome::kOld).empty() || !marks(StepOutcome::kNew).empty(); }
};

Behaviour behaviour_from(const std::vector<Verdict>& old_runs, const std::vector<Verdict>& new_runs);

struct StepClass {
  StepOutcome outcome = StepOutcome::kSkip;
  std::string reason;       // for people: what the runs showed and why that means this
  double confidence = 1.0;  // chance the outcome is right, given the ends' rates
};

StepClass classify_step(const Behaviour& behaviour, const std::vector<Verdict>& runs);

// True when no further run could change classify_step's answer: a mark
// that wins on sight has shown.
bool decided_early(const Behaviour& behaviour, const std::vector<Verdict>& runs);

// Runs per step when none were asked for: 1 when every run of each end
// showed that end's marks, else enough that a mark showing at its end's
// rate is missed at most 5% of the time (at most 6).
int default_runs(const Behaviour& behaviour);

// "PASS 2 of 3, FAIL 1 of 3" (ERROR included).
std::string describe_runs(const std::vector<Verdict>& runs);

}  // namespace kmx
