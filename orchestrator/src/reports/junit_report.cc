#include "reports/junit_report.h"

#include <cstdio>
#include <sstream>
#include <utility>
#include <vector>

#include "verdict/test_details.h"

namespace kmx {
namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s < 0 ? 0.0 : s);
  return buf;
}

enum class Outcome { kPassed, kFailure, kError, kSkipped };

Outcome outcome_of(const TestResult& t) {
  if (t.verdict == Verdict::kSkip) return Outcome::kSkipped;
  // ERROR is the harness's, MISS a test that never ran: neither is a failure of the code under test.
  if ((t.verdict == Verdict::kError || t.verdict == Verdict::kMiss) && !t.as_expected) return Outcome::kError;
  if (t.verdict == Verdict::kPass) return Outcome::kPassed;
  return t.as_expected ? Outcome::kSkipped : Outcome::kFailure;
}

std::string expected_text(const TestResult& t) {
  std::string text = "expected " + std::string(to_string(t.verdict));
  if (!t.expected_reason.empty()) text += ": " + t.expected_reason;
  return text;
}

// kmod.sh rounds, the memory low point, the git revisions the cell tested
// and a [[known_issue]]'s link, as testcase properties (the form pytest
// writes and Jenkins and GitLab show).
std::vector<std::pair<const char*, std::string>> testcase_properties(const CellResult& cell, const TestResult& t) {
  std::vector<std::pair<const char*, std::string>> properties;
  if (const auto& it = t.details.iterations) {
    properties.emplace_back("iterations_planned", std::to_string(it->planned));
    properties.emplace_back("iterations_passed", std::to_string(it->passed));
    if (it->failed_at) properties.emplace_back("iterations_failed_at", std::to_string(*it->failed_at));
  }
  if (const auto& memory = t.details.memory; memory && memory->min_available_kib)
    properties.emplace_back("min_available_kib", std::to_string(*memory->min_available_kib));
  if (const std::string c = cell.cell.kernel.recorded("commit"); !c.empty())
    properties.emplace_back("kernel_revision", c + " " + cell.cell.kernel.recorded("subject"));
  if (const std::string c = cell.cell.kmod.recorded("commit"); !c.empty())
    properties.emplace_back("kmod_revision", c + " " + cell.cell.kmod.recorded("subject"));
  if (t.known_issue) properties.emplace_back("known_issue", t.known_issue->link);
  return properties;
}

void write_testcase(std::ostringstream& out, const CellResult& cell, const TestResult& t,
                    const ReportContext& context) {
  const std::string cell_id = cell.cell.id();
  out << "    <testcase name=\"" << escape_markup(t.test) << "\" classname=\"" << escape_markup(cell_id) << "\" time=\""
      << seconds(t.duration_s) << "\"";
  const Outcome outcome = outcome_of(t);
  const auto properties = testcase_properties(cell, t);
  if (outcome == Outcome::kPassed && properties.empty()) {
    out << "/>\n";
    return;
  }
  out << ">\n";
  if (!properties.empty()) {
    out << "      <properties>\n";
    for (const auto& [name, value] : properties)
      out << "        <property name=\"" << name << "\" value=\"" << escape_markup(shorten(value, 1024)) << "\"/>\n";
    out << "      </properties>\n";
  }
  if (outcome == Outcome::kPassed) {
    out << "    </testcase>\n";
    return;
  }
  const std::string verdict(to_string(t.verdict));
  if (outcome == Outcome::kSkipped) {
    const std::string message = t.verdict == Verdict::kSkip ? t.evidence : expected_text(t) + " (" + t.evidence + ")";
    out << "      <skipped message=\"" << escape_markup(shorten(message, 1024)) << "\"/>\n";
  } else {
    const char* element = outcome == Outcome::kError ? "error" : "failure";
    std::string body = verdict + ": " + t.evidence + "\n";
    if (const std::string log = read_test_log(context, t); !log.empty())
      body += "\n--- " + one_line_text(t.log) + " ---\n" + log;
    out << "      <" << element << " type=\"" << verdict << "\" message=\""
        << escape_markup(shorten(verdict + ": " + t.evidence, 1024)) << "\">" << escape_markup(body) << "</" << element
        << ">\n";
  }
  out << "    </testcase>\n";
}

}  // namespace

std::string render_junit(const RunResult& run, const ReportContext& context) {
  std::ostringstream suites;
  int all_tests = 0, all_failures = 0, all_errors = 0, all_skipped = 0;
  double all_time = 0;
  for (const auto& cell : run.cells) {
    int failures = 0, errors = 0, skipped = 0;
    double time = 0;
    std::ostringstream cases;
    for (const auto& t : cell.tests) {
      const Outcome o = outcome_of(t);
      failures += o == Outcome::kFailure;
      errors += o == Outcome::kError;
      skipped += o == Outcome::kSkipped;
      time += t.duration_s;
      write_testcase(cases, cell, t, context);
    }
    suites << "  <testsuite name=\"" << escape_markup(cell.cell.id()) << "\" tests=\"" << cell.tests.size()
           << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped << "\" time=\""
           << seconds(time) << "\" timestamp=\"" << escape_markup(run.started_at) << "\" hostname=\""
           << escape_markup(run.host.hostname) << "\">\n";
    suites << "    <properties>\n";
    const std::pair<const char*, std::string> properties[] = {{"kernel", cell.cell.kernel.name},
                                                              {"kernel_package", cell.kernel_package_or_declared()},
                                                              {"kernel_debian_version", cell.kernel_debian_version},
                                                              {"guest_uname", cell.guest_uname},
                                                              {"kmod", cell.cell.kmod.name},
                                                              {"kmod_version", cell.guest_kmod_version},
                                                              {"vcpus", std::to_string(cell.cell.vcpus)},
                                                              {"memory_mib", std::to_string(cell.cell.memory_mib)},
                                                              {"accel", run.accel_of(cell)},
                                                              {"host", cell.host}};
    for (const auto& [name, value] : properties)
      suites << "      <property name=\"" << name << "\" value=\"" << escape_markup(value) << "\"/>\n";
    suites << "    </properties>\n" << cases.str() << "  </testsuite>\n";
    all_tests += static_cast<int>(cell.tests.size());
    all_failures += failures;
    all_errors += errors;
    all_skipped += skipped;
    all_time += time;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"kmod-matrix " << escape_markup(run.matrix_name) << " " << escape_markup(run.run_id)
      << "\" tests=\"" << all_tests << "\" failures=\"" << all_failures << "\" errors=\"" << all_errors
      << "\" skipped=\"" << all_skipped << "\" time=\"" << seconds(all_time) << "\">\n";
  out << suites.str() << "</testsuites>\n";
  return out.str();
}

}  // namespace kmx
