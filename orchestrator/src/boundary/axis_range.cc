#include "boundary/axis_range.h"

#include <charconv>

namespace kmx {
namespace {

// A decimal integer and nothing else: no sign, spaces or suffix, at most 9
// digits so that it fits an int before any bound is checked.
std::optional<int> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.front() == '-' || text.front() == '+')
    return std::nullopt;
  return value;
}

std::string example(BoundaryAxis axis) {
  return axis == BoundaryAxis::kMemory ? "--memory 128:1024:64" : "--vcpus 1:8";
}

}  // namespace

std::string_view to_string(BoundaryAxis axis) { return axis == BoundaryAxis::kMemory ? "memory_mib" : "vcpus"; }

std::string_view unit_of(BoundaryAxis axis) { return axis == BoundaryAxis::kMemory ? "MiB" : "vCPUs"; }

std::optional<AxisRange> parse_axis_range(std::string_view text, BoundaryAxis axis, std::string& error) {
  const std::string option = axis == BoundaryAxis::kMemory ? "--memory" : "--vcpus";
  const std::string shown = "'" + std::string(text.substr(0, 40)) + (text.size() > 40 ? "...'" : "'");
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos || parts.size() > 3) break;
    start = colon + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) {
    error = option + " " + shown + " is not LOW:HIGH[:STEP]\n  fix: e.g. " + example(axis);
    return std::nullopt;
  }
  AxisRange range;
  range.step = axis == BoundaryAxis::kMemory ? 64 : 1;
  int* fields[] = {&range.low, &range.high, &range.step};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto value = parse_count(parts[i]);
    if (!value) {
      error = option + " " + shown + ": '" + std::string(parts[i].substr(0, 20)) +
              "' is not a whole number\n  fix: e.g. " + example(axis);
      return std::nullopt;
    }
    *fields[i] = *value;
  }
  const int min = axis == BoundaryAxis::kMemory ? kMinMemoryMib : 1;
  const int max = axis == BoundaryAxis::kMemory ? kMaxMemoryMib : kMaxVcpus;
  const std::string unit(unit_of(axis));
  if (range.low < min || range.high > max) {
    error = option + " " + shown + ": values go from " + std::to_string(min) + " to " + std::to_string(max) + " " +
            unit + "\n  fix: e.g. " + example(axis);
    return std::nullopt;
  }
  if (range.low > range.high) {
    error = option + " " + shown + ": LOW is above HIGH\n  fix: " + option + " " + std::to_string(range.high) + ":" +
            std::to_string(range.low);
    return std::nullopt;
  }
  if (range.step <= 0) {
    error = option + " " + shown + ": STEP must be at least 1\n  fix: e.g. " + example(axis);
    return std::nullopt;
  }
  // ceil((HIGH - LOW) / STEP) values below HIGH, then HIGH itself.
  const long long points = (static_cast<long long>(range.high) - range.low + range.step - 1) / range.step + 1;
  if (points > static_cast<long long>(kMaxGridPoints)) {
    const int fitting =
        (range.high - range.low + static_cast<int>(kMaxGridPoints) - 2) / static_cast<int>(kMaxGridPoints - 1);
    error = option + " " + shown + " makes " + std::to_string(points) + " values, more than " +
            std::to_string(kMaxGridPoints) + "\n  fix: a larger STEP, e.g. " + option + " " +
            std::to_string(range.low) + ":" + std::to_string(range.high) + ":" + std::to_string(fitting);
    return std::nullopt;
  }
  return range;
}

std::vector<int> grid_of(const AxisRange& range) {
  std::vector<int> values;
  if (range.step <= 0 || range.low > range.high) return values;
  // Counted in long long: LOW + k*STEP may pass INT_MAX before it passes HIGH.
  for (long long v = range.low; v < range.high; v += range.step) {
    values.push_back(static_cast<int>(v));
    if (values.size() > kMaxGridPoints) return values;  // the caller only needs to know it is too many
  }
  values.push_back(range.high);
  return values;
}

}  // namespace kmx
