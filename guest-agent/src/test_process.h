// Runs one test command in its own process group with a deadline,
// delivering its combined stdout/stderr line by line.
#pragma once

#include <sys/types.h>

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

// What the agent does besides forwarding output while a test runs.
struct TestHooks {
  // Called about every 100-200 ms with the seconds since the test started.
  std::function<void(double elapsed)> on_tick;
  // Called once the limit is reached, before the test's group is killed.
  std::function<void(pid_t group)> before_kill;
};

TestOutcome run_test_process(const std::vector<std::string>& argv, const std::string& cwd, int timeout_s,
                             const LineSink& on_line, const TestHooks& hooks = {});

}  // namespace kmx::agent
