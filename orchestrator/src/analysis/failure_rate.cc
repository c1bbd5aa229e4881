#include "analysis/failure_rate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kmx {
namespace {

bool is_failure(Verdict v) {
  return v == Verdict::kFail || v == Verdict::kOom || v == Verdict::kPanic || v == Verdict::kTimeout ||
         v == Verdict::kHang;
}

std::string percent(double fraction) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", fraction * 100);
  return buffer;
}

}  // namespace

FailureRate failure_rate(int failures, int runs, double z) {
  FailureRate rate;
  rate.runs = std::max(0, runs);
  rate.failures = std::clamp(failures, 0, rate.runs);
  if (rate.runs == 0) return rate;
  const double n = rate.runs;
  const double p = rate.failures / n;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  rate.low = std::max(0.0, centre - half);
  rate.high = std::min(1.0, centre + half);
  return rate;
}

FailureRate failure_rate_of(const std::vector<Verdict>& verdicts) {
  int runs = 0, failures = 0;
  for (Verdict v : verdicts) {
    if (v == Verdict::kPass) ++runs;
    if (is_failure(v)) ++runs, ++failures;
  }
  return failure_rate(failures, runs);
}

RateJudgement judge_flip(const std::vector<Verdict>& history, Verdict now) {
  RateJudgement j;
  const bool failing = is_failure(now);
  if (!failing && now != Verdict::kPass) return j;
  // The streak: the same outcome right before now (SKIP and ERROR do not break it).
  std::size_t start = history.size();
  while (start > 0) {
    const Verdict v = history[start - 1];
    if (v != Verdict::kPass && !is_failure(v)) {
      --start;
      continue;
    }
    if (is_failure(v) != failing) break;
    --start;
    ++j.streak;
  }
  const std::size_t from = start > static_cast<std::size_t>(kRateWindow) ? start - kRateWindow : 0;
  j.before = failure_rate_of(std::vector<Verdict>(history.begin() + static_cast<std::ptrdiff_t>(from),
                                                  history.begin() + static_cast<std::ptrdiff_t>(start)));
  const int seen = failing ? j.before.failures : j.before.runs - j.before.failures;
  // The upper bound of the rate of the new outcome: of failures, or of passes.
  const double high = failing ? j.before.high : 1 - j.before.low;
  j.chance = seen > 0 ? std::pow(high, j.streak) : 0;
  j.within = seen > 0 && j.chance >= kUnlikely;
  return j;
}

std::string judgement_text(const RateJudgement& j) {
  return "before: " + rate_text(j.before) + "; " + std::to_string(j.streak) + " in a row now, at most " +
         percent(j.chance) + "% likely under that rate";
}

nlohmann::json failure_rate_json(const FailureRate& rate) {
  return {{"runs", rate.runs},
          {"failures", rate.failures},
          {"rate", rate.known() ? nlohmann::json(rate.estimate()) : nlohmann::json()},
          {"low", rate.low},
          {"high", rate.high}};
}

std::string rate_text(const FailureRate& rate) {
  if (!rate.known()) return "no history";
  return std::to_string(rate.failures) + "/" + std::to_string(rate.runs) + " failed (" + percent(rate.estimate()) +
         "%, 95% CI " + percent(rate.low) + "-" + percent(rate.high) + "%)";
}

}  // namespace kmx
