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

// rounds > 0: a kmod.sh test repeats that often (-c NNNN COUNT) instead of
// kmod.sh's own count (-t NNNN).
std::optional<SuiteCommand> command_for_test(const std::string& test_id, int rounds = 0);

// `/init --stall-all-cpus` runs stall_all_cpus() instead of the agent.
inline constexpr std::string_view kStallArgument = "--stall-all-cpus";
[[noreturn]] void stall_all_cpus();

}  // namespace kmx::agent
