// A test's failure rate in one cell from what history.db recorded, with a
// Wilson score interval, and the rule compare uses to tell a regression
// from a failure the old rate already explains (docs/reports.md, "Rates,
// not flips"). Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "verdict/verdict.h"

namespace kmx {

struct FailureRate {
  int runs = 0;      // results that count: PASS or a failure of the kernel or kmod
  int failures = 0;  // FAIL, OOM, PANIC, TIMEOUT, HANG
  double low = 0;    // 95% Wilson score interval of failures / runs
  double high = 1;

  double estimate() const { return runs > 0 ? static_cast<double>(failures) / runs : 0; }
  bool known() const { return runs > 0; }
};

// z = 1.96: a 95% interval. Of 0 runs: [0, 1].
FailureRate failure_rate(int failures, int runs, double z = 1.96);

// From recorded verdicts (oldest first or any order): SKIP, ERROR and MISS
// say nothing about the kernel and do not count.
FailureRate failure_rate_of(const std::vector<Verdict>& verdicts);

// How many recorded runs the rate is taken over, and the chance below which
// a result is no longer "within the known rate".
inline constexpr int kRateWindow = 200;
inline constexpr double kUnlikely = 0.05;

// What compare decides for a test whose verdict flipped, from the same
// test's recorded verdicts in the same cell (oldest first, the new run not
// among them). The streak is the new result and the same outcome right
// before it; `before` is the rate over the window before the streak.
// Within the known rate: the test showed the new outcome before the streak,
// and even at the interval's upper bound of that outcome's rate the streak
// is not unlikely (chance = upper bound ^ streak >= kUnlikely). A test that
// never showed the new outcome is never within: its first flip is a
// regression (or a fix), as a plain compare says.
struct RateJudgement {
  FailureRate before;
  int streak = 1;
  double chance = 0;  // of the streak under the old rate's upper bound
  bool within = false;
};
RateJudgement judge_flip(const std::vector<Verdict>& history, Verdict now);

// {"runs", "failures", "rate", "low", "high"} ("rate" null without runs).
nlohmann::json failure_rate_json(const FailureRate& rate);

// "before: 3/40 failed (...); 1 in a row now, at most 19.9% likely".
std::string judgement_text(const RateJudgement& judgement);

// "3/40 failed (7.5%, 95% CI 2.6-19.9%)", "no history".
std::string rate_text(const FailureRate& rate);

}  // namespace kmx
