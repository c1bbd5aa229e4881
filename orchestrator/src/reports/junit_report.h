// JUnit XML as Jenkins and GitLab read it: one <testsuite> per cell, one
// <testcase> per test. Unexpected verdicts are <failure> (<error> for the
// harness's ERROR), SKIP and verdicts the matrix expects are <skipped>, so
// a known failure does not turn CI red. Failures carry the evidence and
// the tail of the test's log.
#pragma once

#include <string>

#include "reports/report_context.h"

namespace kmx {

std::string render_junit(const RunResult& run, const ReportContext& context);

}  // namespace kmx
