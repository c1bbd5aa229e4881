// `history TEST [--kernel NAME] [--kmod NAME]`: every recorded verdict of a
// test per cell, folded into spans of equal verdicts so the answer reads
// "PASS until run X (date), FAIL since run Y".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "results/history_store.h"

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

struct CellHistory {
  RecordedCellKey cell;
  std::vector<VerdictSpan> spans;  // oldest first; more than one = it changed
};

struct TestHistory {
  std::string test;
  std::vector<CellHistory> cells;  // ordered by kernel, kmod, vCPUs, memory
};

// Pure: folds a timeline as HistoryStore::verdict_timeline orders it.
TestHistory summarize_test_history(const std::string& test, const std::vector<RecordedVerdict>& timeline);

// One query plus the fold: what the `history` command prints.
TestHistory query_test_history(const HistoryStore& store, const TimelineFilter& filter);

// Per cell, one sentence: "PASS in 12 runs (r1 .. r12)" when it never
// changed, else "PASS until run X (date), FAIL since run Y (date)".
std::string render_test_history_text(const TestHistory& history);

// {"test", "cells": [{"kernel", "kmod", "vcpus", "memory_mib", "spans":
// [{"verdict", "first_run", "first_started_at", "last_run",
// "last_started_at", "runs", "last_evidence"}]}]}
nlohmann::json test_history_to_json(const TestHistory& history);

}  // namespace kmx
