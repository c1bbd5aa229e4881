// The outcome of one test in one cell.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kmx {

enum class Verdict {
  kPass,
  kFail,
  kOom,
  kPanic,
  kTimeout,
  kHang,  // TIMEOUT with hung-task or soft-lockup reports on the console
  kSkip,
  kError,  // the harness failed, not the kernel
  kFlaky,  // unexpected at first, as expected on a rerun
};

std::string_view to_string(Verdict verdict);
std::optional<Verdict> parse_verdict(std::string_view text);  // case-insensitive

}  // namespace kmx
