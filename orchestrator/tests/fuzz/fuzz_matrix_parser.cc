// A matrix file as a careless user can write it. Anything but a MatrixError
// (or a crash, a leak, undefined behaviour) is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "images/builtin_sources.h"
#include "matrix/matrix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const kmx::Matrix matrix = kmx::parse_matrix_text(std::string_view(reinterpret_cast<const char*>(data), size),
                                                      "fuzz.toml", kmx::builtin_sources().readers());
    // Size limits are the matrix's own business (issue 14, another part):
    // only expand what fits in memory.
    const double cells = static_cast<double>(matrix.kernels.size()) * static_cast<double>(matrix.kmods.size()) *
                         static_cast<double>(matrix.vcpus.size()) * static_cast<double>(matrix.memory_mib.size());
    if (cells * static_cast<double>(matrix.tests.size() + 1) > 1e5) return 0;
    for (const auto& cell : kmx::expand_cells(matrix)) {
      (void)cell.id();
      for (const auto& test : cell.tests) (void)kmx::expected_for(matrix, cell, test);
    }
  } catch (const kmx::MatrixError&) {
  }
  return 0;
}
