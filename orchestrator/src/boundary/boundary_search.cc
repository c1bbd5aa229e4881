#include "boundary/boundary_search.h"

#include <algorithm>

namespace kmx {
namespace {

// The search's moves, over the grid: each probe is recorded, counted and
// reported as it happens. Throws Stop to end the search early.
class Search {
 public:
  struct Stop {};

  Search(const BoundaryPlan& plan, ProbeRunner& runner, const std::function<void(const BoundaryResult&)>& progress)
      : plan_(plan), runner_(runner), progress_(progress), grid_(grid_of(plan.range)) {
    result_.bad = plan.bad;
  }

  BoundaryResult run() {
    try {
      search();
    } catch (const Stop&) {
    }
    report();
    return result_;
  }

 private:
  bool is_bad(Verdict v) const { return std::ranges::find(result_.bad, v) != result_.bad.end(); }

  // One run at grid_[index], once more if the harness failed: a second
  // ERROR in a row ends the search.
  Verdict probe(std::size_t index) {
    const int value = grid_[index];
    for (int attempt = 0;; ++attempt) {
      const auto run = runner_.run(value, ++repeats_at_[index]);
      if (!run) {
        result_.status = BoundaryStatus::kStopped;
        throw Stop{};
      }
      result_.probes.push_back({value, repeats_at_[index], *run});
      if (run->verdict != Verdict::kError) {
        if (result_.bad.empty()) result_.bad = {run->verdict};  // the first verdict is LOW's
        count(value, run->verdict);
        report();
        return run->verdict;
      }
      report();
      if (attempt == 1) {
        result_.status = BoundaryStatus::kError;
        result_.message = "the harness failed twice in a row at " + std::to_string(value) + " " +
                          std::string(unit_of(plan_.axis)) + ": " + run->evidence;
        throw Stop{};
      }
    }
  }

  void count(int value, Verdict v) {
    auto it = std::ranges::find(result_.tallies, value, &ValueTally::value);
    if (it == result_.tallies.end()) {
      result_.tallies.push_back({value, 0, 0, {}});
      std::ranges::sort(result_.tallies, {}, &ValueTally::value);
      it = std::ranges::find(result_.tallies, value, &ValueTally::value);
    }
    (is_bad(v) ? it->bad : it->good)++;
    if (std::ranges::find(it->verdicts, v) == it->verdicts.end()) it->verdicts.push_back(v);
  }

  int runs_with_verdict(std::size_t index) const {
    const ValueTally* t = result_.tally_at(grid_[index]);
    return t ? t->bad + t->good : 0;
  }
  const ValueTally& tally(std::size_t index) const { return *result_.tally_at(grid_[index]); }

  // Runs at grid_[index] until `repeats` of them gave a verdict.
  void repeat_to(std::size_t index) {
    while (runs_with_verdict(index) < plan_.repeats) probe(index);
  }

  void search() {
    repeats_at_.assign(grid_.size(), 0);
    const std::size_t last = grid_.size() - 1;
    if (!is_bad(probe(0))) {  // only when --bad was given: the boundary is LOW itself
      confirm_edges(std::nullopt, 0);
      result_.status = BoundaryStatus::kFound;
      return;
    }
    if (last == 0 || is_bad(probe(last))) {
      result_.status = BoundaryStatus::kNoBoundary;
      result_.last_bad = grid_[last];
      return;
    }
    // grid_[lo] bad, grid_[hi] good: halve until they are neighbours.
    std::size_t lo = 0;
    std::size_t hi = last;
    while (hi - lo > 1) {
      const std::size_t mid = lo + (hi - lo) / 2;
      (is_bad(probe(mid)) ? lo : hi) = mid;
    }
    confirm_edges(lo, hi);
    result_.status = BoundaryStatus::kFound;
  }

  // Repeats both edges; an edge whose repeats disagree moves outwards (the
  // bad one down, the good one up) until a value is consistent or the
  // range ends.
  void confirm_edges(std::optional<std::size_t> bad_edge, std::size_t good_edge) {
    if (bad_edge) {
      for (std::size_t i = *bad_edge;; --i) {
        repeat_to(i);
        if (tally(i).good == 0) {
          result_.last_bad = grid_[i];
          break;
        }
        result_.flaky = true;
        if (i == 0) break;
      }
    }
    for (std::size_t i = good_edge; i < grid_.size(); ++i) {
      repeat_to(i);
      if (tally(i).bad == 0) {
        result_.first_good = grid_[i];
        break;
      }
      result_.flaky = true;
    }
  }

  void report() {
    if (progress_) progress_(result_);
  }

  const BoundaryPlan& plan_;
  ProbeRunner& runner_;
  const std::function<void(const BoundaryResult&)>& progress_;
  std::vector<int> grid_;
  std::vector<int> repeats_at_;  // runs so far per grid index, ERRORs included
  BoundaryResult result_;
};

}  // namespace

std::string_view to_string(BoundaryStatus status) {
  switch (status) {
    case BoundaryStatus::kRunning:
      return "running";
    case BoundaryStatus::kFound:
      return "found";
    case BoundaryStatus::kNoBoundary:
      return "no-boundary";
    case BoundaryStatus::kError:
      return "error";
    case BoundaryStatus::kStopped:
      return "stopped";
  }
  return "running";
}

const ValueTally* BoundaryResult::tally_at(int value) const {
  auto it = std::ranges::find(tallies, value, &ValueTally::value);
  return it == tallies.end() ? nullptr : &*it;
}

BoundaryResult search_boundary(const BoundaryPlan& plan, ProbeRunner& runner,
                               const std::function<void(const BoundaryResult&)>& progress) {
  return Search(plan, runner, progress).run();
}

}  // namespace kmx
