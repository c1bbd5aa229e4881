// Maps a test id ("kmod:0001") to the command that runs it in the guest.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kmx::agent {

struct SuiteCommand {
  std::vector<std::string> argv;
  std::string cwd;
};

std::optional<SuiteCommand> command_for_test(const std::string& test_id);

}  // namespace kmx::agent
