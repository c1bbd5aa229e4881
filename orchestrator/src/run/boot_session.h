// One boot of one cell: start the VM, follow the agent and the console,
// enforce the boot, per-test and lifetime deadlines and the output caps, and
// always leave the VM destroyed. Every deadline is the host's: nothing the
// guest sends extends one.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "os/clock.h"
#include "os/phase_timings.h"
#include "verdict/boot_classifier.h"
#include "vm/vm_driver.h"

namespace kmx {

struct BootPlan {
  VmSpec spec;  // also carries the output caps
  std::vector<std::string> tests;
  std::function<int(const std::string&)> test_timeout_s;
  int boot_timeout_s = 120;
  // Added to a test's limit before the host steps in: the agent enforces the
  // limit itself and should always be first.
  int host_grace_s = 30;
  // How long the agent may take between the end of one test (or its boot
  // event) and the start of the next.
  int idle_timeout_s = 120;
  // The VM never lives longer than the boot limit plus every test's limit
  // and grace plus this.
  int lifetime_margin_s = 120;
  const std::atomic<bool>* stop = nullptr;  // destroy the VM and return when set
  // kmod.sh rounds per test, for the verdicts' iterations (BootRecord).
  std::map<std::string, int> planned_rounds;
  // Once the kernel OOM-kills during a test, the test has this long to end
  // by itself before the host ends the boot with the OOM on record.
  int oom_grace_s = 10;
  // When a watchdog gives up on a running test: sysrq w and t are sent and
  // the console is read this long (at most) before the VM is destroyed.
  int sysrq_wait_s = 5;
  // When set, gets where the boot's time went (run --timings).
  PhaseTimings* timings = nullptr;
};

struct BootRun {
  BootRecord record;
  double boot_seconds = -1;  // VM start to the agent's boot event; -1 if never
  double wall_seconds = 0;
  std::size_t console_bytes = 0;  // what the guest wrote, caps notwithstanding
  std::size_t agent_bytes = 0;
};

// Called with a test id each time the agent reports one finished.
using TestEndObserver = std::function<void(const std::string& test)>;

BootRun run_boot(VmDriver& driver, Clock& clock, const BootPlan& plan, const TestEndObserver& on_test_end = {});

// The longest a VM of this plan may live, in seconds.
long long lifetime_limit_s(const BootPlan& plan);

// The kernel command line for a boot that runs these tests; rounds (when
// given) is a kmod.sh test's repeat count, 0 for the suite's own.
std::string guest_cmdline(const std::vector<std::string>& tests,
                          const std::function<int(const std::string&)>& timeout_s,
                          const std::function<int(const std::string&)>& rounds = {});

}  // namespace kmx
