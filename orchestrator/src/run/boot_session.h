// One boot of one cell: start the VM, follow the agent and the console,
// enforce the boot and per-test deadlines, and always leave the VM destroyed.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "os/clock.h"
#include "verdict/boot_classifier.h"
#include "vm/vm_driver.h"

namespace kmx {

struct BootPlan {
  VmSpec spec;
  std::vector<std::string> tests;
  std::function<int(const std::string&)> test_timeout_s;
  int boot_timeout_s = 120;
  // Added to a test's limit before the host steps in: the agent enforces the
  // limit itself and should always be first.
  int host_grace_s = 30;
  // How long the agent may stay silent between tests.
  int idle_timeout_s = 120;
  const std::atomic<bool>* stop = nullptr;  // destroy the VM and return when set
};

struct BootRun {
  BootRecord record;
  double boot_seconds = -1;  // VM start to the agent's boot event; -1 if never
  double wall_seconds = 0;
};

// Called with a test id each time the agent reports one finished.
using TestEndObserver = std::function<void(const std::string& test)>;

BootRun run_boot(VmDriver& driver, Clock& clock, const BootPlan& plan, const TestEndObserver& on_test_end = {});

// The kernel command line for a boot that runs these tests.
std::string guest_cmdline(const std::vector<std::string>& tests, const std::function<int(const std::string&)>& timeout_s);

}  // namespace kmx
