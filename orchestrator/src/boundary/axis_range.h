// The axis a boundary search walks (memory or vCPUs) and its range as the
// user writes it, LOW:HIGH[:STEP], turned into the grid of values probed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmx {

enum class BoundaryAxis { kMemory, kVcpus };

// "memory_mib" or "vcpus": the matrix key, and the name in boundary.json.
std::string_view to_string(BoundaryAxis axis);
// "MiB" or "vCPUs", after a value in what is printed.
std::string_view unit_of(BoundaryAxis axis);

struct AxisRange {
  int low = 0;
  int high = 0;
  int step = 0;
  bool operator==(const AxisRange&) const = default;
};

// Where a grid may lie: below 64 MiB no Debian kernel boots, and a value
// a host could never give is a typo.
inline constexpr int kMinMemoryMib = 64;
inline constexpr int kMaxMemoryMib = 1 << 24;  // 16 TiB
inline constexpr int kMaxVcpus = 1024;
inline constexpr std::size_t kMaxGridPoints = 64;

// LOW:HIGH[:STEP] for `axis` (STEP defaults to 64 MiB or 1 vCPU). nullopt
// with `error` (what is wrong, then a line "  fix: ...") for anything but
// decimal integers within the axis's bounds, LOW <= HIGH, STEP > 0 and a
// grid of at most kMaxGridPoints values.
std::optional<AxisRange> parse_axis_range(std::string_view text, BoundaryAxis axis, std::string& error);

// LOW, LOW+STEP, ... while below HIGH, then HIGH itself: the ends are
// always probed, even when HIGH is off the step.
std::vector<int> grid_of(const AxisRange& range);

}  // namespace kmx
