#include "verdict/verdict.h"

#include <array>
#include <cctype>
#include <utility>

namespace kmx {
namespace {

constexpr std::array<std::pair<Verdict, std::string_view>, 10> kNames{{
    {Verdict::kPass, "PASS"},
    {Verdict::kFail, "FAIL"},
    {Verdict::kOom, "OOM"},
    {Verdict::kPanic, "PANIC"},
    {Verdict::kTimeout, "TIMEOUT"},
    {Verdict::kHang, "HANG"},
    {Verdict::kSkip, "SKIP"},
    {Verdict::kError, "ERROR"},
    {Verdict::kFlaky, "FLAKY"},
    {Verdict::kMiss, "MISS"},
}};

}  // namespace

std::string_view to_string(Verdict verdict) {
  for (const auto& [v, name] : kNames)
    if (v == verdict) return name;
  return "ERROR";
}

std::optional<Verdict> parse_verdict(std::string_view text) {
  std::string upper;
  for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& [v, name] : kNames)
    if (name == upper) return v;
  return std::nullopt;
}

bool is_test_outcome(Verdict verdict) {
  return verdict != Verdict::kError && verdict != Verdict::kFlaky && verdict != Verdict::kMiss;
}

}  // namespace kmx
