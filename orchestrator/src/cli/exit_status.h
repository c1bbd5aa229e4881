// The exit status of a finished run, for CI: a nightly reruns on 3 (only
// the infrastructure failed) and fails on 1 (a kernel or kmod did).
#pragma once

#include "store/run_result.h"

namespace kmx {

// 3 when the run stopped because its results could not be written (the
// stop flag is then set too); 130 when interrupted; 0 when every verdict is
// as expected; 3 when every unexpected verdict is ERROR (a VM would not
// start, an image could not be built); else 1.
int run_exit_status(const RunResult& run, bool interrupted);

}  // namespace kmx
