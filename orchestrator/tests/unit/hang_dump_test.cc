// guest-agent/src/hang_dump: what the agent says about a test at its limit.
#include "hang_dump.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kmx/protocol.h"

namespace kmx::agent {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(IntegrationHangDump, ListsTheProcessesOfTheTestsGroupWithTheirState) {
  const pid_t child = ::fork();
  if (child == 0) {
    ::setpgid(0, 0);
    ::execl("/bin/sleep", "sleep", "30", nullptr);
    _exit(127);
  }
  ::setpgid(child, child);
  ::usleep(200 * 1000);
  const std::string dump = collect_hang_dump(child);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_THAT(dump, HasSubstr("pid " + std::to_string(child) + " (sleep) state S pgrp " + std::to_string(child)));
  EXPECT_THAT(dump, Not(HasSubstr("pid " + std::to_string(::getpid()) + " ")));
  EXPECT_LE(dump.size(), protocol::kMaxHangDumpBytes);
}

}  // namespace
}  // namespace kmx::agent
