#include "verdict/kmod_rounds.h"

#include <charconv>

namespace kmx {

std::optional<int> kmod_round_index(std::string_view line, std::string_view test_id) {
  constexpr std::string_view kSuite = "kmod:";
  if (!test_id.starts_with(kSuite)) return std::nullopt;
  const std::string_view number = test_id.substr(kSuite.size());
  constexpr std::string_view kLead = "Running test: kmod_test_";
  constexpr std::string_view kRun = " - run #";
  if (!line.starts_with(kLead)) return std::nullopt;
  line.remove_prefix(kLead.size());
  if (!line.starts_with(number)) return std::nullopt;
  line.remove_prefix(number.size());
  if (!line.starts_with(kRun)) return std::nullopt;
  line.remove_prefix(kRun.size());
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
  int index = -1;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), index);
  if (ec != std::errc() || end != line.data() + line.size() || index < 0) return std::nullopt;
  return index;
}

}  // namespace kmx
