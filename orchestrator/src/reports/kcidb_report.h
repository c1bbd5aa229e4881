// KCIDB v5 JSON (kernelci.org's common report database): a checkout and a
// build per kernel, a test per cell and test. Statuses are KCIDB's own
// (PASS FAIL ERROR SKIP MISS); OOM, PANIC, TIMEOUT, HANG and FLAKY become
// FAIL with the original verdict kept in misc. A test the matrix planned
// but no boot decided is MISS. Every id is "kmod_matrix:<run>:...".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "reports/report_context.h"

namespace kmx {

inline constexpr const char* kKcidbOrigin = "kmod_matrix";

nlohmann::json kcidb_json(const RunResult& run, const ReportContext& context);
std::string render_kcidb(const RunResult& run, const ReportContext& context);

// KCIDB's status for one of our verdicts.
std::string kcidb_status(Verdict verdict);

}  // namespace kmx
