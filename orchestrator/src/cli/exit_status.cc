#include "cli/exit_status.h"

#include "cli/exit_codes.h"

namespace kmx {

int run_exit_status(const RunResult& run, bool interrupted) {
  if (!run.recording_failure.empty()) return kExitInfrastructure;
  if (interrupted) return kExitInterrupted;
  bool unexpected = false;
  bool only_errors = true;
  for (const auto& cell : run.cells)
    for (const auto& test : cell.tests) {
      if (test.as_expected) continue;
      unexpected = true;
      only_errors = only_errors && test.verdict == Verdict::kError;
    }
  if (!unexpected) return kExitOk;
  return only_errors ? kExitInfrastructure : kExitUnexpected;
}

}  // namespace kmx
