#include "reports/matrix_report.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "reports/report_context.h"

namespace kmx {
namespace {

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string row_label(const Cell& c) {
  return c.kernel.name + "  " + c.kmod.name + "  " + std::to_string(c.vcpus) + "cpu  " + std::to_string(c.memory_mib) +
         "M";
}

// A row without the padding after its last column.
std::string trimmed(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

}  // namespace

std::string render_matrix(const RunResult& run) {
  std::vector<std::string> columns;  // test ids, which a merged or imported run's file may have crafted
  for (const auto& cell : run.cells)
    for (const auto& t : cell.tests)
      if (std::find(columns.begin(), columns.end(), t.test) == columns.end()) columns.push_back(t.test);
  std::vector<std::string> headers;
  for (const auto& c : columns) headers.push_back(one_line_text(c, 64));

  std::size_t label_width = std::string("cell").size();
  for (const auto& cell : run.cells) label_width = std::max(label_width, row_label(cell.cell).size());
  std::size_t col_width = 8;
  for (const auto& h : headers) col_width = std::max(col_width, h.size());

  std::ostringstream out;
  std::string header = pad("cell", label_width) + "  " + pad("boot", 6);
  for (const auto& h : headers) header += "  " + pad(h, col_width);
  out << trimmed(header);
  std::map<Verdict, int> totals;
  for (const auto& cell : run.cells) {
    std::ostringstream row;
    row << pad(row_label(cell.cell), label_width) << "  ";
    std::ostringstream boot;
    if (cell.first_boot_seconds() >= 0)
      boot << static_cast<int>(cell.first_boot_seconds() + 0.5) << "s";
    else
      boot << "-";
    row << pad(boot.str(), 6);
    for (const auto& column : columns) {
      auto it =
          std::find_if(cell.tests.begin(), cell.tests.end(), [&](const TestResult& t) { return t.test == column; });
      std::string entry = "-";
      if (it != cell.tests.end()) {
        entry = std::string(to_string(it->verdict)) + (it->as_expected ? "" : "!");
        ++totals[it->verdict];
      }
      row << "  " << pad(entry, col_width);
    }
    out << trimmed(row.str());
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
