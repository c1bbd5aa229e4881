// The search for the smallest memory size or vCPU count at which a test's
// verdict stops being a "bad" one: both ends first, a binary search on the
// grid between them (the behaviour is assumed monotonic), then the two
// edges repeated, and widened outwards while a repeat disagrees. Pure:
// ProbeRunner is the seam (matrix_probe_runner.h boots; tests script
// verdicts per value).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "boundary/axis_range.h"
#include "run/one_test_run.h"
#include "verdict/verdict.h"

namespace kmx {

class ProbeRunner {
 public:
  virtual ~ProbeRunner() = default;
  // The test once, in a fresh boot, with the axis at `value`; `repeat`
  // counts the runs at that value from 1. nullopt: stopped before a verdict.
  virtual std::optional<RunRecord> run(int value, int repeat) = 0;
};

struct BoundaryPlan {
  BoundaryAxis axis = BoundaryAxis::kMemory;
  AxisRange range;
  std::vector<Verdict> bad;  // empty: whatever LOW shows
  int repeats = 3;           // runs in total at each edge
};

struct BoundaryProbe {
  int value = 0;
  int repeat = 0;
  RunRecord run;
};

// The runs at one value that gave a verdict (ERROR is the harness's, not
// the test's, and is not counted).
struct ValueTally {
  int value = 0;
  int bad = 0;
  int good = 0;
  std::vector<Verdict> verdicts;  // each distinct one, in order of appearance
};

enum class BoundaryStatus {
  kRunning,     // not finished: what a progress callback sees
  kFound,       // bad at LOW, good at HIGH (or good at LOW when --bad was given)
  kNoBoundary,  // bad at HIGH too
  kError,       // the harness failed twice in a row at one probe
  kStopped,     // interrupted
};

std::string_view to_string(BoundaryStatus status);

struct BoundaryResult {
  BoundaryStatus status = BoundaryStatus::kRunning;
  std::vector<Verdict> bad;  // the bad verdicts in effect (given, or LOW's)
  // The highest value where every run was bad and the lowest where every
  // run was good; unset when no value in range was consistently so.
  std::optional<int> last_bad;
  std::optional<int> first_good;
  bool flaky = false;                 // some value near the edge gave both
  std::vector<ValueTally> tallies;    // every value probed, ascending
  std::vector<BoundaryProbe> probes;  // in probe order
  std::string message;                // kError: the probe that failed and why

  const ValueTally* tally_at(int value) const;
};

// `progress` is called after every probe (to rewrite the report), and
// once more at the end.
BoundaryResult search_boundary(const BoundaryPlan& plan, ProbeRunner& runner,
                               const std::function<void(const BoundaryResult&)>& progress = {});

}  // namespace kmx
