#include "reports/ktap_report.h"

#include <sstream>

#include "verdict/test_details.h"

namespace kmx {
namespace {

// One line each, whatever the run's file held (one_line_text: no control
// character, no U+0085/U+2028/U+2029 a line-splitting reader would break
// at). Result lines are parsed up to '#': names contain none.
// A line break in evidence is a space here, as KTAP readers show it.
std::string diagnostic(std::string_view text) {
  std::string spaced(text.substr(0, 400));
  for (char& c : spaced)
    if (c == '\n' || c == '\r') c = ' ';
  return one_line_text(spaced, 300);
}

std::string one_line(std::string_view text) {
  std::string out = diagnostic(text);
  for (char& c : out)
    if (c == '#') c = '_';
  return out;
}

}  // namespace

std::string render_ktap(const RunResult& run, const ReportContext& /*context*/) {
  std::ostringstream out;
  out << "KTAP version 1\n";
  out << "# kmod-matrix run " << diagnostic(run.run_id) << " of matrix " << diagnostic(run.matrix_name) << " (accel "
      << diagnostic(run.accel) << ")\n";
  out << "1.." << run.cells.size() << "\n";
  int cell_number = 0;
  for (const auto& cell : run.cells) {
    ++cell_number;
    const std::string indent = "    ";
    out << indent << "KTAP version 1\n";
    out << indent << "# Subtest: " << one_line(cell.cell.id()) << "\n";
    out << indent << "# kernel " << diagnostic(cell.cell.kernel.name) << " (" << diagnostic(cell.guest_uname)
        << "), kmod " << diagnostic(cell.cell.kmod.name) << " (" << diagnostic(cell.guest_kmod_version) << "), "
        << cell.cell.vcpus << " vCPUs, " << cell.cell.memory_mib << " MiB\n";
    out << indent << "1.." << cell.tests.size() << "\n";
    bool cell_ok = true;
    int test_number = 0;
    for (const auto& t : cell.tests) {
      ++test_number;
      const std::string name = one_line(t.test);
      // Diagnostics come before the result line they belong to.
      if (const auto& it = t.details.iterations) out << indent << "# iterations: " << iterations_text(*it) << "\n";
      if (t.verdict == Verdict::kPass) {
        out << indent << "ok " << test_number << " " << name << "\n";
      } else if (t.verdict == Verdict::kSkip) {
        out << indent << "ok " << test_number << " " << name << " # SKIP " << one_line(t.evidence) << "\n";
      } else {
        cell_ok = false;
        out << indent << "# " << name << ": " << to_string(t.verdict) << (t.as_expected ? " (expected)" : "") << ": "
            << diagnostic(t.evidence) << "\n";
        out << indent << "not ok " << test_number << " " << name << "\n";
      }
    }
    out << (cell_ok ? "ok " : "not ok ") << cell_number << " " << one_line(cell.cell.id()) << "\n";
  }
  return out.str();
}

}  // namespace kmx
