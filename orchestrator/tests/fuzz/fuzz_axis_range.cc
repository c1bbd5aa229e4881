// --memory/--vcpus LOW:HIGH[:STEP] as a careless user or script writes it.
// A crash, or an accepted range that breaks the bounds the search relies
// on (LOW <= HIGH within the axis, STEP > 0, at most kMaxGridPoints values,
// an ascending grid from LOW to HIGH), is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "boundary/axis_range.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto axis : {kmx::BoundaryAxis::kMemory, kmx::BoundaryAxis::kVcpus}) {
    std::string error;
    const auto range = kmx::parse_axis_range(text, axis, error);
    kmx::fuzz::require(range.has_value() == error.empty());
    if (!range) {
      kmx::fuzz::require(error.find("\n  fix: ") != std::string::npos);
      continue;
    }
    kmx::fuzz::require(range->low >= 1 && range->low <= range->high && range->step > 0);
    const auto grid = kmx::grid_of(*range);
    kmx::fuzz::require(!grid.empty() && grid.size() <= kmx::kMaxGridPoints);
    kmx::fuzz::require(grid.front() == range->low && grid.back() == range->high);
    for (std::size_t i = 1; i < grid.size(); ++i) kmx::fuzz::require(grid[i - 1] < grid[i]);
  }
  return 0;
}
