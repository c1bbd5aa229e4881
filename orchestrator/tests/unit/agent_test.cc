// guest-agent/src: the agent's pure parts (kernel command line, test
// commands) and, as Integration tests, its test runner on real processes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "guest_system.h"
#include "kmx/protocol.h"
#include "suite_commands.h"
#include "test_process.h"

namespace kmx::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<std::string> planned(const AgentConfig& config) {
  std::vector<std::string> out;
  for (const auto& t : config.tests) out.push_back(t.id + "@" + std::to_string(t.timeout_s));
  return out;
}

TEST(ParseKernelCmdline, ReadsTestsWithTheirTimeouts) {
  const AgentConfig c = parse_kernel_cmdline(
      "console=ttyS0,115200 panic=-1 printk.devkmsg=on loglevel=7 rdinit=/init "
      "kmx.tests=kmod:0001@300,kmod:0008@900\n");
  EXPECT_THAT(planned(c), ElementsAre("kmod:0001@300", "kmod:0008@900"));
}

TEST(ParseKernelCmdline, TestsWithoutTimeoutGetTheDefault) {
  EXPECT_THAT(planned(parse_kernel_cmdline("kmx.tests=kmod:0001,kmod:0002@30")),
              ElementsAre("kmod:0001@600", "kmod:0002@30"));
}

TEST(ParseKernelCmdline, KmxTimeoutSetsTheDefaultWhereverItAppears) {
  EXPECT_THAT(planned(parse_kernel_cmdline("kmx.tests=kmod:0001 kmx.timeout=120")), ElementsAre("kmod:0001@120"));
}

TEST(ParseKernelCmdline, BadSecondsFallBackToTheDefault) {
  EXPECT_THAT(planned(parse_kernel_cmdline("kmx.timeout=nope kmx.tests=kmod:0001@abc,kmod:0002@0,kmod:0003@-5,"
                                           "kmod:0004@99999999999")),
              ElementsAre("kmod:0001@600", "kmod:0002@600", "kmod:0003@600", "kmod:0004@600"));
}

TEST(ParseKernelCmdline, EmptyEntriesAreSkipped) {
  EXPECT_THAT(planned(parse_kernel_cmdline("kmx.tests=,kmod:0001,,")), ElementsAre("kmod:0001@600"));
}

TEST(ParseKernelCmdline, RoundsFollowTheSeconds) {
  const AgentConfig c = parse_kernel_cmdline("kmx.tests=kmod:0009@1500x20,kmod:0008@900,kmod:0001@60xnope");
  ASSERT_EQ(c.tests.size(), 3u);
  EXPECT_EQ(c.tests[0].timeout_s, 1500);
  EXPECT_EQ(c.tests[0].rounds, 20);
  EXPECT_EQ(c.tests[1].rounds, 0);
  EXPECT_EQ(c.tests[2].timeout_s, 60);
  EXPECT_EQ(c.tests[2].rounds, 0);  // a bad count keeps kmod.sh's own
}

TEST(ParseKernelCmdline, NoKmxTestsMeansNoTests) {
  EXPECT_THAT(parse_kernel_cmdline("console=ttyS0 quiet kmx.testsuite=x").tests, IsEmpty());
}

TEST(CommandForTest, KmodTestRunsKmodShWithItsNumber) {
  const auto cmd = command_for_test("kmod:0008");
  ASSERT_TRUE(cmd);
  const std::string dir(protocol::kKmodSuiteDir);
  EXPECT_THAT(cmd->argv, ElementsAre("/bin/bash", dir + "/kmod.sh", "-t", "0008"));
  EXPECT_EQ(cmd->cwd, dir);
}

TEST(CommandForTest, KmodTestWithRoundsRunsKmodShWithCount) {
  const auto cmd = command_for_test("kmod:0009", 20);
  ASSERT_TRUE(cmd);
  const std::string dir(protocol::kKmodSuiteDir);
  EXPECT_THAT(cmd->argv, ElementsAre("/bin/bash", dir + "/kmod.sh", "-c", "0009", "20"));
}

TEST(CommandForTest, MalformedKmodIdsHaveNoCommand) {
  EXPECT_FALSE(command_for_test("kmod:8"));
  EXPECT_FALSE(command_for_test("kmod:00a8"));
  EXPECT_FALSE(command_for_test("kmod:00081"));
  EXPECT_FALSE(command_for_test("kmod:0008; reboot"));
}

TEST(CommandForTest, UnknownSuiteHasNoCommand) { EXPECT_FALSE(command_for_test("ltp:0001")); }

TEST(CommandForTest, OwnSuitesRunTheirScriptByName) {
  auto cmd = command_for_test("softdep:modprobe.d");
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->argv, (std::vector<std::string>{"/bin/bash", "/usr/share/kmod-matrix/suites/softdep-modprobe-d.sh"}));
  EXPECT_EQ(command_for_test("ns:missing-import")->argv[1], "/usr/share/kmod-matrix/suites/ns-missing-import.sh");
  EXPECT_EQ(command_for_test("dups:storm")->argv[1], "/usr/share/kmod-matrix/suites/dups-storm.sh");
}

TEST(CommandForTest, StallRunsTheAgentItself) {
  auto cmd = command_for_test("fault:stall");
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->argv, (std::vector<std::string>{"/init", "--stall-all-cpus"}));
}

TEST(CommandForTest, FaultPanicTriggersSysrqCrash) {
  const auto cmd = command_for_test("fault:panic");
  ASSERT_TRUE(cmd);
  EXPECT_EQ(cmd->argv.at(0), "/bin/sh");
  EXPECT_THAT(cmd->argv.back(), HasSubstr("/proc/sysrq-trigger"));
}

// Past the 2 MiB at which libvirt's log daemon rotates a serial log.
TEST(CommandForTest, FloodFaultsWriteMebibytesThenPassOrCrash) {
  const auto chatty = command_for_test("fault:chatty");
  ASSERT_TRUE(chatty);
  EXPECT_THAT(chatty->argv.back(), HasSubstr("head -c 3145728"));
  EXPECT_THAT(chatty->argv.back(), Not(HasSubstr("sysrq")));
  const auto flood = command_for_test("fault:console-flood");
  ASSERT_TRUE(flood);
  EXPECT_THAT(flood->argv.back(), HasSubstr("head -c 10485760 >/dev/console"));
  EXPECT_THAT(flood->argv.back(), HasSubstr("echo c >/proc/sysrq-trigger"));
}

TEST(IntegrationTestProcess, ReportsExitCodeAndOutputLines) {
  std::vector<std::string> lines;
  const TestOutcome o = run_test_process({"/bin/sh", "-c", "echo one; echo two >&2; printf three; exit 3"}, "/", 10,
                                         [&](const std::string& line) { lines.push_back(line); });
  EXPECT_EQ(o.spawn_error, "");
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_EQ(o.signal, 0);
  EXPECT_FALSE(o.timed_out);
  EXPECT_THAT(lines, ElementsAre("one", "two", "three"));
}

TEST(IntegrationTestProcess, ReportsTheKillingSignal) {
  const TestOutcome o = run_test_process({"/bin/sh", "-c", "kill -SEGV $$"}, "/", 10, [](const std::string&) {});
  EXPECT_EQ(o.signal, 11);
}

TEST(IntegrationTestProcess, KillsTheTestAtItsDeadline) {
  const TestOutcome o = run_test_process({"/bin/sh", "-c", "sleep 30"}, "/", 1, [](const std::string&) {});
  EXPECT_TRUE(o.timed_out);
  EXPECT_EQ(o.signal, 9);
  EXPECT_LT(o.duration_s, 5.0);
}

TEST(IntegrationTestProcess, TicksWhileRunningAndCallsBeforeKillWithTheTestsGroup) {
  int ticks = 0;
  pid_t group = 0;
  TestHooks hooks;
  hooks.on_tick = [&](double elapsed) {
    EXPECT_GE(elapsed, 0.0);
    ++ticks;
  };
  hooks.before_kill = [&](pid_t g) { group = g; };
  const TestOutcome o = run_test_process(
      {"/bin/sh", "-c", "sleep 30"}, "/", 1, [](const std::string&) {}, hooks);
  EXPECT_TRUE(o.timed_out);
  EXPECT_GE(ticks, 3);
  EXPECT_GT(group, 1);
}

TEST(IntegrationTestProcess, NoBeforeKillForATestThatEndsInTime) {
  bool called = false;
  TestHooks hooks;
  hooks.before_kill = [&](pid_t) { called = true; };
  run_test_process(
      {"/bin/true"}, "/", 10, [](const std::string&) {}, hooks);
  EXPECT_FALSE(called);
}

TEST(IntegrationTestProcess, CutsOverlongOutputLines) {
  std::vector<std::string> lines;
  run_test_process({"/bin/sh", "-c", "head -c 10000 /dev/zero | tr '\\0' x; echo"}, "/", 10,
                   [&](const std::string& line) { lines.push_back(line); });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].size(), protocol::kMaxOutputLine);
}

TEST(IntegrationTestProcess, NotExecutableIsASpawnError) {
  const TestOutcome o = run_test_process({"/nonexistent/kmod.sh"}, "/", 10, [](const std::string&) {});
  EXPECT_THAT(o.spawn_error, HasSubstr("not executable: /nonexistent/kmod.sh"));
}

}  // namespace
}  // namespace kmx::agent
