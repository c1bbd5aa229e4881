// `history TEST [--kernel NAME] [--kmod NAME]`: every recorded verdict of a
// test per cell, folded into spans of equal verdicts so the answer reads
// "PASS until run X (date), FAIL since run Y".
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/failure_rate.h"
#include "store/history_store.h"

namespace kmx {

// Consecutive runs in which a cell gave the same verdict.
struct VerdictSpan {
  Verdict verdict = Verdict::kError;
  std::string first_run;
  std::string first_started_at;
  std::string last_run;
  std::string last_started_at;
  int runs = 0;
  std::string last_evidence;
};

// What one run recorded beyond the verdict: kmod.sh rounds, memory low point.
struct RunObservation {
  std::string run;
  std::optional<long long> planned;
  std::optional<long long> passed;
  std::optional<long long> failed_at;
  std::optional<long long> min_available_kib;
};

// The rounds of every run that reported them, folded: how often and where
// a kmod.sh test failed, and the share of rounds that passed.
struct RoundsSummary {
  int runs = 0;
  int runs_failed = 0;
  long long failed_at_min = 0;  // over the failed runs
  long long failed_at_max = 0;
  long long passed = 0;  // over all runs
  long long planned = 0;
};

struct CellHistory {
  RecordedCellKey cell;
  std::vector<VerdictSpan> spans;            // oldest first; more than one = it changed
  std::vector<RunObservation> observations;  // runs that recorded any, oldest first
  std::optional<RoundsSummary> rounds() const;
  int runs() const;    // runs with a verdict
  int passed() const;  // of those, PASS
  int flips() const { return spans.empty() ? 0 : static_cast<int>(spans.size()) - 1; }
  // Over the runs recorded (SKIP, ERROR and MISS do not count), with its
  // 95% Wilson interval (analysis/failure_rate.h).
  FailureRate failure_rate() const;
};

struct TestHistory {
  std::string test;
  std::vector<CellHistory> cells;  // ordered by kernel, kmod, vCPUs, memory
};

// Pure: folds a timeline as HistoryStore::verdict_timeline orders it.
TestHistory summarize_test_history(const std::string& test, const std::vector<RecordedVerdict>& timeline);

// The timeline cut to the window's runs (by start time).
std::vector<RecordedVerdict> in_window(std::vector<RecordedVerdict> timeline, const HistoryWindow& window);

// One query plus the fold: what the `history` command prints.
TestHistory query_test_history(const HistoryStore& store, const TimelineFilter& filter);

// Per cell, one sentence: "PASS in 12 runs (r1 .. r12)" when it never
// changed, else "PASS until run X (date), FAIL since run Y (date)"; then,
// where recorded, the kmod.sh rounds ("failed between rounds 1 and 21 in 2
// of 5 runs, not at all in 3; 728/750 rounds passed (97.1%)", and each
// run's failed_at/planned) and the lowest MemAvailable.
std::string render_test_history_text(const TestHistory& history);

// {"test", "cells": [{"kernel", "kmod", "vcpus", "memory_mib", "spans":
// [{"verdict", "first_run", "first_started_at", "last_run",
// "last_started_at", "runs", "last_evidence"}], and where recorded
// "rounds": {"runs", "runs_failed", "failed_at_min", "failed_at_max",
// "passed", "planned"} and "observations": [{"run", "planned", "passed",
// "failed_at", "min_available_kib"}] (null when a run did not say)}]}
nlohmann::json test_history_to_json(const TestHistory& history);

}  // namespace kmx
