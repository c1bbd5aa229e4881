// The HTML report's per-test sections below the matrix: each failure and
// unexpected verdict with its evidence and logs (readable without a
// script), kmod.sh rounds, the guest's memory curve with its OOM kills, the
// OOM victim, the hang dump; and per test, duplicate-load waste (module
// stats) against vCPUs across the run's cells. Inline SVG only
// (svg_chart.h); guest text escaped.
#pragma once

#include <sstream>
#include <string>

#include "reports/report_context.h"
#include "verdict/test_details.h"

namespace kmx {

// Whether a test has anything for a detail section: memory, an OOM kill or a
// hang. Rounds alone do not make one; the matrix shows them.
bool has_test_details(const TestResult& test);

// Whether a test gets a section under "Tests in detail": an unexpected
// verdict, any verdict but PASS and SKIP (its evidence), or details.
bool has_detail_section(const TestResult& test);

// Links to a boot's console.log and agent.log (run_file_href), "" when
// neither can be linked.
std::string boot_log_links(const BootSummary& boot, const ReportContext& context);

// The id of a test's detail section: by position, so guest text never
// decides it and two tests never share one.
std::string test_detail_anchor(std::size_t cell_index, std::size_t test_index);

// MemAvailable (MiB) over the test's seconds, a dashed marker wherever
// oom_kills went up, a dot at the lowest point.
std::string memory_chart_svg(const std::string& id, const MemoryCurve& curve);

// <h2>Tests in detail</h2> and a section per test that has_detail_section:
// unexpected verdicts first, then the other failures, each with its
// evidence, test log and boot logs; then passing tests with details, each
// folded in a <details>. Nothing when no test has a section.
void write_test_details(std::ostringstream& out, const RunResult& run, const ReportContext& context);

// <h2>Duplicate-load waste by vCPUs</h2>: a chart per test id with module
// stats, a series per kernel/kmod; nothing when no test recorded them.
void write_module_stats_charts(std::ostringstream& out, const RunResult& run);

}  // namespace kmx
