#include "matrix/table_reader.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace kmx {

bool similar(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()] <= 2;
}

std::string where(const std::string& file, const toml::source_region& region) {
  std::ostringstream out;
  out << file << ":" << region.begin.line << ":" << region.begin.column;
  return out.str();
}

toml::table parse_toml(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw MatrixError(where(file, e.source()) + ": " + std::string(e.description()) +
                      "\n  fix: correct the TOML syntax at that position");
  }
}

}  // namespace kmx
