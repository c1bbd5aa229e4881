// Whether a culprit holds up: after the search, the culprit and its parent
// each run again (kVerifyRuns in all), and the culprit's own diff is read. A
// timing-dependent test (kmod.sh 0009 under the kernel's request_module
// throttle) can send a one-run-per-step bisection to any commit; a parent
// that shows the new behaviour, or a culprit that shows the old one, or a
// diff that touches nothing that is built, says so instead of naming it
// with confidence. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "bisect/step_classifier.h"

namespace kmx {

inline constexpr int kVerifyRuns = 3;

struct CulpritCheck {
  bool reproduced = false;  // no parent run showed the new behaviour, no culprit run the old
  double confidence = 0;    // share of the runs that did not contradict (0 when a side never showed)
  std::string note;         // for people: what the runs and the diff showed
};

// parent_runs, culprit_runs: every run of both, steps and verification alike.
CulpritCheck check_culprit(const Behaviour& behaviour, const std::vector<Verdict>& parent_runs,
                           const std::vector<Verdict>& culprit_runs, const std::vector<std::string>& changed_files);

// True when none of the files can change what a step builds and runs:
// manual pages, documentation, CI configuration.
bool changes_nothing_built(const std::vector<std::string>& changed_files);

}  // namespace kmx
