// Maps a test id ("kmod:0001") to the command that runs it in the guest.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmx::agent {

struct SuiteCommand {
  std::vector<std::string> argv;
  std::string cwd;
};

std::optional<SuiteCommand> command_for_test(const std::string& test_id);

// `/init --stall-all-cpus` runs stall_all_cpus() instead of the agent.
inline constexpr std::string_view kStallArgument = "--stall-all-cpus";
[[noreturn]] void stall_all_cpus();

}  // namespace kmx::agent
