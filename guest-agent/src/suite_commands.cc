#include "suite_commands.h"

#include <algorithm>
#include <cctype>

#include "kmx/protocol.h"

namespace kmx::agent {

std::optional<SuiteCommand> command_for_test(const std::string& test_id) {
  const std::string kmod_prefix = "kmod:";
  if (test_id.starts_with(kmod_prefix)) {
    std::string number = test_id.substr(kmod_prefix.size());
    bool four_digits = number.size() == 4 &&
                       std::all_of(number.begin(), number.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!four_digits) return std::nullopt;
    std::string dir(protocol::kKmodSuiteDir);
    // -t runs the test as many times as kmod.sh recommends for it.
    return SuiteCommand{{"/bin/bash", dir + "/kmod.sh", "-t", number}, dir};
  }
  return std::nullopt;
}

}  // namespace kmx::agent
