// run/boot_session: one boot against a scripted VM and a clock that only
// moves when the watcher sleeps. Every wait has a deadline.
#include "run/boot_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "fakes.h"

namespace kmx {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace kmx::testing;

BootPlan plan(std::vector<std::string> tests = {"kmod:0001", "kmod:0002"}) {
  BootPlan p;
  p.spec.name = "kmx-100-run-c0-b1";
  p.tests = std::move(tests);
  p.test_timeout_s = [](const std::string& test) { return test == "kmod:0008" ? 900 : 300; };
  p.boot_timeout_s = 120;
  p.host_grace_s = 30;
  p.idle_timeout_s = 120;
  return p;
}

// Cuts bytes into chunks of n, one per poll, so lines straddle polls.
std::vector<std::string> chunks_of(const std::string& bytes, std::size_t n) {
  std::vector<std::string> chunks;
  for (std::size_t pos = 0; pos < bytes.size(); pos += n) chunks.push_back(bytes.substr(pos, n));
  return chunks;
}

const std::string kNormalAgent = ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0) + ev_start("kmod:0002") +
                                 ev_end("kmod:0002", 1) + ev_done();
const std::string kNormalConsole = "[    0.000000] Linux version 6.1.0-56-amd64\n" + begin_marker("kmod:0001") +
                                   end_marker("kmod:0001") + begin_marker("kmod:0002") + end_marker("kmod:0002") +
                                   "[    3.321547] reboot: Power down\n";

ScriptedBoot normal_boot() {
  ScriptedBoot boot;
  boot.agent = chunks_of(kNormalAgent, 37);
  boot.console = chunks_of(kNormalConsole, 50);
  boot.running_polls = static_cast<int>(std::max(boot.agent.size(), boot.console.size()));
  return boot;
}

TEST(RunBoot, NormalBootEndsPoweredOffWithAllEvents) {
  FakeVmDriver driver;
  FakeClock clock;
  driver.add_boot(normal_boot());
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kPoweredOff);
  EXPECT_EQ(run.record.end_detail, "");
  EXPECT_TRUE(run.record.agent.boot);
  EXPECT_THAT(run.record.agent.started, ElementsAre("kmod:0001", "kmod:0002"));
  EXPECT_EQ(run.record.agent.ended.at("kmod:0002").exit_code, 1);
  EXPECT_TRUE(run.record.agent.done);
  EXPECT_EQ(run.record.agent.garbage_lines, 0u);
  EXPECT_EQ(run.record.console, kNormalConsole);
  EXPECT_THAT(run.record.requested_tests, ElementsAre("kmod:0001", "kmod:0002"));
}

TEST(RunBoot, MeasuresBootAndWallTimeOnTheInjectedClock) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {"", "", "", ev_boot(), "", ev_done()};  // boot on the 4th poll, done on the 6th
  boot.running_polls = 10;
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan({}));
  // Polls 50 ms apart.
  EXPECT_DOUBLE_EQ(run.boot_seconds, 0.15);
  // The boot ends when "done" arrives, not when the guest powers off.
  EXPECT_DOUBLE_EQ(run.wall_seconds, 0.25);
  EXPECT_DOUBLE_EQ(clock.elapsed_s(), 0.25);
}

TEST(RunBoot, TellsTheTimingsWhereTheBootsTimeWent) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.console = {"", "[    0.000000] Linux version\n"};  // first console byte on the 2nd poll
  boot.agent = {"", "", "", ev_boot({{"agent_start_uptime_s", 2.5}, {"uptime_s", 3.25}}), "", ev_done()};
  boot.running_polls = 10;
  driver.add_boot(boot);
  PhaseTimings timings;
  BootPlan p = plan({});
  p.timings = &timings;
  run_boot(driver, clock, p);
  std::map<std::string, double> seen;
  for (const auto& phase : timings.phases()) {
    ASSERT_EQ(phase.seconds.size(), 1u) << phase.name;
    seen[phase.name] = phase.seconds[0];
  }
  EXPECT_DOUBLE_EQ(seen.at("boot: VM start to first console byte"), 0.05);
  EXPECT_DOUBLE_EQ(seen.at("boot: VM start to agent boot event"), 0.15);
  EXPECT_DOUBLE_EQ(seen.at("boot: agent boot event to done (the tests)"), 0.1);
  EXPECT_DOUBLE_EQ(seen.at("guest: kernel start to agent start"), 2.5);
  EXPECT_DOUBLE_EQ(seen.at("guest: agent start to boot event"), 0.75);
  EXPECT_EQ(seen.count("boot: destroy asked, last output read"), 1u);
}

// Asking the hypervisor is an RPC: at every 50 ms poll it cost the host
// more CPU than reading the ports. A guest that writes is running; a quiet
// one is asked about four times a second.
TEST(RunBoot, AGuestThatKeepsWritingIsNotAskedWhetherItRuns) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot() + ev_start("kmod:0001")};
  for (int i = 0; i < 100; ++i) boot.console.push_back("[   1.0] line " + std::to_string(i) + "\n");
  boot.agent.resize(100);
  boot.agent.push_back(ev_end("kmod:0001", 0) + ev_done());
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan({"kmod:0001"}));
  EXPECT_TRUE(run.record.agent.done);
  EXPECT_EQ(driver.running_asks, 0);
}

TEST(RunBoot, AQuietGuestThatDiesIsSeenWithinAQuarterSecondOfAnAsk) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot() + ev_start("kmod:0001")};
  boot.running_polls = 20;
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan({"kmod:0001"}));
  EXPECT_EQ(run.record.end, BootEnd::kPoweredOff);
  EXPECT_EQ(driver.running_asks, 21);
  // 20 asks 0.25 s apart, not 20 polls 0.05 s apart.
  EXPECT_NEAR(run.wall_seconds, 5.0, 0.3);
}

TEST(RunBoot, AlwaysDestroysAndForgetsTheDomain) {
  FakeVmDriver driver;
  FakeClock clock;
  driver.add_boot(normal_boot());
  run_boot(driver, clock, plan());
  EXPECT_THAT(driver.destroyed, Contains("kmx-100-run-c0-b1"));
  EXPECT_THAT(driver.forgotten, ElementsAre("kmx-100-run-c0-b1"));
}

TEST(RunBoot, ReportsEachFinishedTestOnceInStartOrder) {
  FakeVmDriver driver;
  FakeClock clock;
  driver.add_boot(normal_boot());
  std::vector<std::string> finished;
  run_boot(driver, clock, plan(), [&](const std::string& test) { finished.push_back(test); });
  EXPECT_THAT(finished, ElementsAre("kmod:0001", "kmod:0002"));
}

TEST(RunBoot, SilentGuestHitsTheBootTimeoutAndIsDestroyed) {
  FakeVmDriver driver;
  FakeClock clock;
  driver.add_boot(ScriptedBoot{});  // runs forever, says nothing
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kBootTimeout);
  EXPECT_THAT(run.record.end_detail, HasSubstr("no agent event within 120 s"));
  EXPECT_GT(clock.elapsed_s(), 120.0);
  EXPECT_LE(clock.elapsed_s(), 120.5);
  EXPECT_DOUBLE_EQ(run.boot_seconds, -1);
  EXPECT_THAT(driver.destroyed, Contains("kmx-100-run-c0-b1"));
}

TEST(RunBoot, TestThatNeverEndsHitsItsLimitPlusGrace) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot(), ev_start("kmod:0001")};
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kTestTimeout);
  EXPECT_THAT(run.record.end_detail, HasSubstr("kmod:0001 still running after 330 s"));
  EXPECT_GT(clock.elapsed_s(), 330.0);
  // The console's answer to sysrq is read for a quiet second at most.
  EXPECT_LT(clock.elapsed_s(), 331.0 + 1.5);
  EXPECT_EQ(run.record.agent.running_test(), "kmod:0001");
  EXPECT_THAT(driver.sysrqs, ElementsAre("kmx-100-run-c0-b1:w", "kmx-100-run-c0-b1:t"));
  EXPECT_THAT(run.record.end_detail, HasSubstr("sysrq w and t sent"));
}

TEST(RunBoot, EachTestGetsItsOwnLimit) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot(), ev_start("kmod:0008")};
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan({"kmod:0008"}));
  EXPECT_THAT(run.record.end_detail, HasSubstr("kmod:0008 still running after 930 s"));
  EXPECT_GT(clock.elapsed_s(), 930.0);
}

TEST(RunBoot, SilenceBetweenTestsHitsTheIdleTimeout) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0)};
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kTestTimeout);
  EXPECT_THAT(run.record.end_detail, HasSubstr("agent silent for 120 s between tests"));
}

TEST(RunBoot, DoneEndsTheBootWithoutWaitingForThePowerOff) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {kNormalAgent};  // the guest never stops by itself
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kPoweredOff);
  EXPECT_TRUE(run.record.agent.done);
  EXPECT_THAT(driver.destroyed, Contains("kmx-100-run-c0-b1"));
  EXPECT_LT(clock.elapsed_s(), 1.0);
}

TEST(RunBoot, StartFailureEndsAtOnceWithTheReason) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.start_error = "libvirt could not start kmx-100-run-c0-b1: Cannot access storage file";
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kStartFailed);
  EXPECT_EQ(run.record.end_detail, boot.start_error);
  EXPECT_DOUBLE_EQ(clock.elapsed_s(), 0);
  EXPECT_THAT(run.record.requested_tests, ElementsAre("kmod:0001", "kmod:0002"));
  EXPECT_THAT(driver.forgotten, ElementsAre("kmx-100-run-c0-b1"));
}

TEST(RunBoot, StopFlagInterruptsAndDestroys) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot(), ev_start("kmod:0001")};
  driver.add_boot(boot);
  std::atomic<bool> stop{true};
  BootPlan p = plan();
  p.stop = &stop;
  const BootRun run = run_boot(driver, clock, p);
  EXPECT_EQ(run.record.end, BootEnd::kInterrupted);
  EXPECT_LT(clock.elapsed_s(), 1.0);
  EXPECT_THAT(driver.destroyed, Contains("kmx-100-run-c0-b1"));
}

TEST(RunBoot, PassesTheSpecToTheDriver) {
  FakeVmDriver driver;
  FakeClock clock;
  driver.add_boot(normal_boot());
  BootPlan p = plan();
  p.spec.memory_mib = 160;
  p.spec.cmdline = guest_cmdline(p.tests, p.test_timeout_s);
  run_boot(driver, clock, p);
  ASSERT_EQ(driver.started.size(), 1u);
  EXPECT_EQ(driver.started[0].memory_mib, 160);
  EXPECT_EQ(driver.started[0].cmdline, p.spec.cmdline);
}

// A guest that writes `chunk` on both ports at every poll, forever.
ScriptedBoot flooding_boot(const std::string& agent_prefix, const std::string& console_chunk,
                           const std::string& agent_chunk, int polls) {
  ScriptedBoot boot;
  boot.agent.push_back(agent_prefix);
  boot.console.push_back(begin_marker("kmod:0001"));
  for (int i = 0; i < polls; ++i) {
    boot.agent.push_back(agent_chunk);
    boot.console.push_back(console_chunk);
  }
  return boot;
}

// Issue 14: console and agent output had no per-boot cap in memory; the
// flood must end the boot with at most the caps kept and a verdict.
TEST(RunBoot, GuestFloodingBothPortsIsStoppedAtTheCapsWithAVerdict) {
  FakeVmDriver driver;
  FakeClock clock;
  const std::string console_chunk = std::string(1 << 20, '\n');
  std::string agent_chunk;
  while (agent_chunk.size() < (1 << 20)) agent_chunk += ev_output("kmod:0001", "");
  driver.add_boot(flooding_boot(ev_boot() + ev_start("kmod:0001"), console_chunk, agent_chunk, 40));
  BootPlan p = plan({"kmod:0001"});
  p.spec.console_max_bytes = 8 << 20;
  p.spec.agent_max_bytes = 16 << 20;
  const BootRun run = run_boot(driver, clock, p);
  EXPECT_EQ(run.record.end, BootEnd::kOutputFlood);
  EXPECT_THAT(run.record.end_detail, HasSubstr("cap 8388608"));
  EXPECT_LE(run.record.console.size(), (8u << 20) + 200);
  EXPECT_GT(run.console_bytes, 8u << 20);
  EXPECT_LT(clock.elapsed_s(), 10.0);  // long before the 330 s limit
  EXPECT_THAT(driver.destroyed, Contains("kmx-100-run-c0-b1"));
  const BootVerdicts verdicts = classify_boot(run.record);
  ASSERT_EQ(verdicts.verdicts.size(), 1u);
  EXPECT_EQ(verdicts.verdicts[0].verdict, Verdict::kFail);
  EXPECT_THAT(verdicts.verdicts[0].evidence, HasSubstr("output flood"));
}

// Issue 14: the chunk crossing the console cap was dropped whole, so the
// panic at the end of a flood could be lost.
TEST(RunBoot, PanicAtTheEndOfAConsoleFloodIsKept) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot() + ev_start("kmod:0001")};
  boot.console = {begin_marker("kmod:0001") + std::string(5 << 20, 'x'),
                  std::string(4 << 20, 'y') + "\n[  99.0] Kernel panic - not syncing: Fatal exception\n"};
  boot.running_polls = 2;
  driver.add_boot(boot);
  BootPlan p = plan({"kmod:0001"});
  p.spec.console_max_bytes = 8 << 20;
  const BootRun run = run_boot(driver, clock, p);
  EXPECT_EQ(run.record.end, BootEnd::kOutputFlood);
  const TestVerdict v = classify_boot(run.record).verdicts.at(0);
  EXPECT_EQ(v.verdict, Verdict::kPanic);
  EXPECT_THAT(v.evidence, HasSubstr("Fatal exception"));
}

// Issue 14: any agent event within 120 s reset the host watchdog, so a
// guest chattering between tests kept its VM forever.
TEST(RunBoot, EventsBetweenTestsDoNotExtendTheIdleDeadline) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot = flooding_boot(ev_boot() + ev_start("kmod:0001") + ev_end("kmod:0001", 0), "",
                                    ev_output("kmod:0001", "still here") + ev_start("kmod:0003"), 20000);
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kTestTimeout);
  EXPECT_THAT(run.record.end_detail, HasSubstr("between tests"));
  EXPECT_LT(clock.elapsed_s(), 121.0);
}

// Issue 14: a change of the running test id reset the test's clock; a guest
// alternating test-starts kept its VM alive forever.
TEST(RunBoot, RestartingTestsDoesNotExtendTheTestDeadline) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent.push_back(ev_boot() + ev_start("kmod:0001"));
  for (int i = 0; i < 10000; ++i) {  // the running test changes at every poll
    boot.agent.push_back(ev_start("kmod:0002"));
    boot.agent.push_back(ev_start("kmod:0001") + ev_output("kmod:0001", "x"));
  }
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kTestTimeout);
  EXPECT_THAT(run.record.end_detail, HasSubstr("kmod:0001 still running after 330 s"));
  EXPECT_LT(clock.elapsed_s(), 331.0 + plan().sysrq_wait_s);
}

TEST(RunBoot, VmLifetimeIsCappedByWhatItsTestsAskedFor) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot()};
  driver.add_boot(boot);
  BootPlan p = plan();
  p.idle_timeout_s = 1000000;  // a careless configuration: only the lifetime cap is left
  EXPECT_EQ(lifetime_limit_s(p), 120 + 120 + 2 * 330);
  const BootRun run = run_boot(driver, clock, p);
  EXPECT_EQ(run.record.end, BootEnd::kLifetimeCap);
  EXPECT_GT(clock.elapsed_s(), 900.0);
  EXPECT_LT(clock.elapsed_s(), 901.0);
}

// Issue 14: after the VM stopped, one final read (8 MiB with libvirt's
// FileTail) lost what followed: here the test-end and done events.
TEST(RunBoot, AfterTheVmStopsBothPortsAreReadToTheEnd) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  const std::string noise(8 << 20, '\n');
  boot.agent = {ev_boot() + ev_start("kmod:0001"), noise, noise, noise + ev_end("kmod:0001", 0) + ev_done()};
  boot.running_polls = 1;
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan({"kmod:0001"}));
  EXPECT_EQ(run.record.end, BootEnd::kPoweredOff);
  EXPECT_TRUE(run.record.agent.done);
  EXPECT_EQ(run.record.agent.ended.count("kmod:0001"), 1u);
}

// Issue 14: an exception while the VM ran left it running, with nobody
// left to stop it.
TEST(RunBoot, AHostSideFailureDestroysTheVmAndGoesUp) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot()};
  boot.read_error = "agent.log: Input/output error";
  driver.add_boot(boot);
  EXPECT_THROW(run_boot(driver, clock, plan()), std::runtime_error);
  EXPECT_THAT(driver.destroyed, ElementsAre("kmx-100-run-c0-b1"));
  EXPECT_THAT(driver.forgotten, ElementsAre("kmx-100-run-c0-b1"));
}

TEST(GuestCmdline, ListsEachTestWithItsTimeout) {
  const std::string cmdline = guest_cmdline({"kmod:0001", "kmod:0008", "kmod:0013"},
                                            [](const std::string& t) { return t == "kmod:0008" ? 900 : 300; });
  EXPECT_THAT(cmdline, HasSubstr(" kmx.tests=kmod:0001@300,kmod:0008@900,kmod:0013@300"));
  EXPECT_THAT(cmdline, HasSubstr("console=ttyS0,115200"));
  EXPECT_THAT(cmdline, HasSubstr("panic=-1"));
  // The host's Alt+SysRq+w/t must work whatever the distribution's mask.
  EXPECT_THAT(cmdline, HasSubstr(" sysrq_always_enabled "));
}

TEST(GuestCmdline, RoundsFollowTheTimeoutOfTheTestsThatHaveThem) {
  const std::string cmdline = guest_cmdline(
      {"kmod:0001", "kmod:0009"}, [](const std::string&) { return 600; },
      [](const std::string& t) { return t == "kmod:0009" ? 20 : 0; });
  EXPECT_THAT(cmdline, HasSubstr(" kmx.tests=kmod:0001@600,kmod:0009@600x20"));
}

TEST(GuestCmdline, NoTestsGivesAnEmptyList) {
  const std::string cmdline = guest_cmdline({}, [](const std::string&) { return 1; });
  EXPECT_TRUE(cmdline.ends_with(" kmx.tests=")) << cmdline;
}

}  // namespace
}  // namespace kmx

namespace kmx {
namespace {

const std::string kOomConsole =
    "[    3.0] modprobe invoked oom-killer: gfp_mask=0x140cca\n"
    "[    3.1] Out of memory: Killed process 312 (modprobe) total-vm:6508kB, anon-rss:1024kB\n";

TEST(RunBootOomGrace, AnOomKillEndsTheBootAGraceLaterNotAtTheLimit) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot() + ev_start("kmod:0001")};
  boot.console = {begin_marker("kmod:0001"), kOomConsole};
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kOomGrace);
  EXPECT_THAT(run.record.end_detail, HasSubstr("OOM-killed during kmod:0001, still running 10 s later"));
  EXPECT_GT(clock.elapsed_s(), 10.0);
  EXPECT_LT(clock.elapsed_s(), 11.0);
  EXPECT_THAT(driver.destroyed, Contains("kmx-100-run-c0-b1"));
  // The test cut short has the host's measure of how long it ran.
  EXPECT_GT(run.record.running_seconds.at("kmod:0001"), 10.0);
}

TEST(RunBootOomGrace, TheAgentsOomKillCountAloneAlsoStartsTheGrace) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot() + ev_start("kmod:0001") + ev_sample("kmod:0001", 0, 9000, 0),
                ev_sample("kmod:0001", 1, 100, 1)};
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kOomGrace);
  EXPECT_LT(clock.elapsed_s(), 11.0);
}

TEST(RunBootOomGrace, ATestThatEndsWithinTheGraceGoesOn) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot() + ev_start("kmod:0001"), "", "", ev_end("kmod:0001", 1) + ev_start("kmod:0002"),
                ev_end("kmod:0002", 0) + ev_done()};
  boot.console = {begin_marker("kmod:0001"), kOomConsole};
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kPoweredOff);
  EXPECT_TRUE(run.record.agent.ended.count("kmod:0002"));
}

TEST(RunBootOomGrace, AnOomLineSplitAcrossPollsIsSeen) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot() + ev_start("kmod:0001")};
  boot.console = {begin_marker("kmod:0001") + "[    3.0] modprobe invoked oom-", "killer: gfp_mask=0x140cca\n"};
  driver.add_boot(boot);
  EXPECT_EQ(run_boot(driver, clock, plan()).record.end, BootEnd::kOomGrace);
}

TEST(RunBootSysrq, AHostWatchdogAsksTheKernelForStacksAndKeepsItsAnswer) {
  FakeVmDriver driver;
  FakeClock clock;
  ScriptedBoot boot;
  boot.agent = {ev_boot(), ev_start("kmod:0001")};
  boot.after_sysrq = "[  330.0] sysrq: Show Blocked State\n";
  driver.add_boot(boot);
  const BootRun run = run_boot(driver, clock, plan());
  EXPECT_EQ(run.record.end, BootEnd::kTestTimeout);
  EXPECT_THAT(run.record.console, HasSubstr("sysrq: Show Blocked State"));
}

TEST(RunBootSysrq, NoSysrqForABootThatNeverReachedATest) {
  FakeVmDriver driver;
  FakeClock clock;
  driver.add_boot(ScriptedBoot{});
  run_boot(driver, clock, plan());
  EXPECT_THAT(driver.sysrqs, IsEmpty());
}

}  // namespace
}  // namespace kmx
