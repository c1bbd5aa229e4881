// Turns what one boot produced (agent events, console, how the VM ended)
// into verdicts with evidence. Pure: no I/O, no clock.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "verdict/agent_stream.h"
#include "verdict/test_details.h"
#include "verdict/verdict.h"

namespace kmx {

enum class BootEnd {
  kPoweredOff,   // the VM stopped by itself (agent power-off, panic reboot, reset)
  kStartFailed,  // the hypervisor could not start it
  kBootTimeout,  // host watchdog: no boot event in time
  kTestTimeout,  // host watchdog: a test ran past its limit and grace
  kInterrupted,  // the run was stopped (SIGINT/SIGTERM)
  kOutputFlood,  // the guest wrote more than a channel's cap: the flood is the evidence
  kLifetimeCap,  // host watchdog: the VM outlived everything its tests asked for
  kOomGrace,     // the kernel OOM-killed during a test that was still running a grace later
  kHostLost,     // the libvirt host went away (daemon killed, connection cut): nothing is known
};

struct BootRecord {
  std::vector<std::string> requested_tests;
  AgentLog agent;
  std::string console;  // capped: first and last part, see end_detail
  BootEnd end = BootEnd::kPoweredOff;
  std::string end_detail;  // human text: start error, watchdog limit
  // kmod.sh rounds each test was to run (the matrix's, else kmod.sh's own
  // count); absent: not a repeating test, or unknown.
  std::map<std::string, int> planned_rounds;
  // The limit the host gave each test (kmx.timeout=), in seconds: what a
  // TIMEOUT's evidence names; absent: unknown, the evidence says how long it ran.
  std::map<std::string, int> limit_s;
  // The test running when the boot ended: seconds from when the host saw
  // it start to the end of the boot (its duration, the agent having none).
  std::map<std::string, double> running_seconds;
};

struct TestVerdict {
  std::string test;
  Verdict verdict = Verdict::kError;
  std::string evidence;
  double duration_s = 0;
  // What the test showed besides its verdict (verdict/test_details.h).
  TestDetails details;
  // For a test stopped at its limit: the agent's process dump and the
  // kernel's sysrq output, for tests/<id>.hang.txt; "" otherwise.
  std::string hang_dump;
};

struct BootVerdicts {
  std::vector<TestVerdict> verdicts;  // tests decided by this boot
  std::vector<std::string> not_run;   // requested, never started: boot again for them
};

// Linear in the size of record.console; memory beyond the record is bounded
// by the number of requested tests.
BootVerdicts classify_boot(const BootRecord& record);

}  // namespace kmx
