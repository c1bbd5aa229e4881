// Runs one test command in its own process group with a deadline,
// delivering its combined stdout/stderr line by line.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace kmx::agent {

struct TestOutcome {
  int exit_code = -1;  // valid when signal == 0 and the process was reaped
  int signal = 0;      // terminating signal, 0 if it exited
  bool timed_out = false;
  // Killed but not dead after kKillGraceSeconds: stuck in the kernel. The
  // guest is no longer trustworthy for further tests.
  bool unkillable = false;
  double duration_s = 0;
  std::string spawn_error;  // non-empty when the command could not start
};

inline constexpr int kKillGraceSeconds = 10;

using LineSink = std::function<void(const std::string&)>;

TestOutcome run_test_process(const std::vector<std::string>& argv, const std::string& cwd, int timeout_s,
                             const LineSink& on_line);

}  // namespace kmx::agent
