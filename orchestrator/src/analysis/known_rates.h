// compare's regressions and fixes held against what history.db recorded of
// the same test in the same cell (docs/reports.md, "Rates, not flips"): a
// flip the old rate explains is not a regression or a fix but "within the
// known rate", listed apart; every judged flip carries its rate.
#pragma once

#include <vector>

#include "analysis/run_compare.h"
#include "store/history_store.h"

namespace kmx {

// `recorded`: the matrix's verdicts (HistoryStore::matrix_verdicts); only
// runs that started before new_run and are not new_run count.
void judge_against_history(RunComparison& comparison, const RunResult& new_run,
                           const std::vector<RecordedVerdict>& recorded);

}  // namespace kmx
