// A matrix file as a careless user can write it. Anything but a MatrixError
// (or a crash, a leak, undefined behaviour) is a finding.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "images/builtin_sources.h"
#include "matrix/matrix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const kmx::Matrix matrix = kmx::parse_matrix_text(std::string_view(reinterpret_cast<const char*>(data), size),
                                                      "fuzz.toml", kmx::builtin_sources().readers());
    // The parser bounds the matrix ([limits] max_cells); the fuzzer only
    // expands what it can afford per input.
    const std::size_t cells = kmx::cell_count(matrix);
    kmx::fuzz::require(cells <= matrix.limits.max_cells);
    if (static_cast<double>(cells) * static_cast<double>(matrix.tests.size() + 1) > 1e5) return 0;
    std::set<std::string> ids;
    for (const auto& cell : kmx::expand_cells(matrix)) {
      kmx::fuzz::require(ids.insert(cell.id()).second);  // cell ids are unique
      for (const auto& test : cell.tests) (void)kmx::expected_for(matrix, cell, test);
    }
  } catch (const kmx::MatrixError&) {
  }
  return 0;
}
