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
  // Planned and never run: its cell is in none of a merge's shard runs (a
  // shard lost). KCIDB's MISS. Never expected: what did not run is unexpected.
  kMiss,
};

std::string_view to_string(Verdict verdict);
std::optional<Verdict> parse_verdict(std::string_view text);  // case-insensitive

// What a test itself can show (PASS, FAIL, OOM, PANIC, TIMEOUT, HANG, SKIP):
// not the harness's ERROR, a rerun's FLAKY or a merge's MISS.
bool is_test_outcome(Verdict verdict);

}  // namespace kmx
