// What PID 1 must set up before any test can run, and how it powers off.
#pragma once

#include <string>
#include <vector>

namespace kmx::agent {

struct PlannedTest {
  std::string id;
  int timeout_s;
  int rounds = 0;  // kmod.sh's -c NNNN COUNT; 0: its own count (-t)
};

struct AgentConfig {
  std::vector<PlannedTest> tests;
};

// Mounts proc, sys, devtmpfs, debugfs, tmpfs; points the kernel's modprobe
// helper at /sbin/modprobe; makes this process immune to the OOM killer.
// Returns human-readable problems (empty when all went well).
std::vector<std::string> prepare_guest_system();

// Parses kmx.* parameters out of a kernel command line:
// kmx.tests=id@seconds,id@secondsxROUNDS (kmx.timeout= gives the default
// limit; xROUNDS sets a kmod.sh test's rounds).
AgentConfig parse_kernel_cmdline(const std::string& cmdline);

std::string read_file_trimmed(const std::string& path);

// First line of `kmod --version` as the guest sees it.
std::string guest_kmod_version();

// Seconds since the guest kernel started (/proc/uptime); -1 when unreadable.
double guest_uptime_seconds();

[[noreturn]] void power_off();

}  // namespace kmx::agent
