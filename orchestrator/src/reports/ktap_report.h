// KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst): a plan
// with one subtest per cell, each subtest its own KTAP document indented
// four spaces with one result line per test. Reports the raw verdicts, as
// the kernel's own tools would: only PASS is "ok", SKIP is "ok ... # SKIP",
// everything else is "not ok" with the verdict and evidence as diagnostics.
#pragma once

#include <string>

#include "reports/report_context.h"

namespace kmx {

std::string render_ktap(const RunResult& run, const ReportContext& context);

}  // namespace kmx
