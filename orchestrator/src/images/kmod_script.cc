#include "images/kmod_script.h"

#include <charconv>
#include <sstream>

namespace kmx {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::map<std::string, int> kmod_sh_default_rounds(std::string_view script) {
  std::map<std::string, int> rounds;
  std::istringstream in{std::string(script)};
  for (std::string line; std::getline(in, line);) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line.compare(start, 11, "ALL_TESTS=\"") != 0) continue;
    std::istringstream words(line.substr(start + 11));
    for (std::string word; words >> word;) {
      while (!word.empty() && word.back() == '"') word.pop_back();
      const auto first = word.find(':');
      const auto second = word.find(':', first == std::string::npos ? 0 : first + 1);
      if (first != 4 || second == std::string::npos) continue;
      const std::string_view number = std::string_view(word).substr(0, 4);
      const std::string_view count = std::string_view(word).substr(first + 1, second - first - 1);
      int value = 0;
      if (!all_digits(number) || !all_digits(count) || count.size() > 6) continue;
      std::from_chars(count.data(), count.data() + count.size(), value);
      if (value > 0) rounds["kmod:" + std::string(number)] = value;
    }
  }
  return rounds;
}

}  // namespace kmx
