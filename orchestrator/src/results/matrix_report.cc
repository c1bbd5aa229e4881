#include "results/matrix_report.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace kmx {
namespace {

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string row_label(const Cell& c) {
  return c.kernel.name + "  " + c.kmod.name + "  " + std::to_string(c.vcpus) + "cpu  " + std::to_string(c.memory_mib) +
         "M";
}

}  // namespace

std::string render_matrix(const RunResult& run) {
  std::vector<std::string> columns;
  for (const auto& cell : run.cells)
    for (const auto& t : cell.tests)
      if (std::find(columns.begin(), columns.end(), t.test) == columns.end()) columns.push_back(t.test);

  std::size_t label_width = std::string("cell").size();
  for (const auto& cell : run.cells) label_width = std::max(label_width, row_label(cell.cell).size());
  std::size_t col_width = 8;
  for (const auto& c : columns) col_width = std::max(col_width, c.size());

  std::ostringstream out;
  out << pad("cell", label_width) << "  " << pad("boot", 6);
  for (const auto& c : columns) out << "  " << pad(c, col_width);
  out << "\n";
  std::map<Verdict, int> totals;
  for (const auto& cell : run.cells) {
    out << pad(row_label(cell.cell), label_width) << "  ";
    std::ostringstream boot;
    if (cell.first_boot_seconds() >= 0)
      boot << static_cast<int>(cell.first_boot_seconds() + 0.5) << "s";
    else
      boot << "-";
    out << pad(boot.str(), 6);
    for (const auto& column : columns) {
      auto it =
          std::find_if(cell.tests.begin(), cell.tests.end(), [&](const TestResult& t) { return t.test == column; });
      std::string entry = "-";
      if (it != cell.tests.end()) {
        entry = std::string(to_string(it->verdict)) + (it->as_expected ? "" : "!");
        ++totals[it->verdict];
      }
      out << "  " << pad(entry, col_width);
    }
    out << "\n";
  }
  out << "\n";
  bool first = true;
  for (const auto& [verdict, count] : totals) {
    out << (first ? "" : ", ") << count << " " << to_string(verdict);
    first = false;
  }
  const std::size_t unexpected = run.unexpected_count();
  out << (first ? "" : "; ") << unexpected << " unexpected" << (unexpected ? " (marked !)" : "") << "\n";
  return out.str();
}

}  // namespace kmx
