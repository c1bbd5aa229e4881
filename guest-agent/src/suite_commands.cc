#include "suite_commands.h"

#include <sched.h>
#include <unistd.h>
#include <algorithm>

#include <cctype>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include "kmx/protocol.h"

namespace kmx::agent {

namespace {
constexpr std::string_view kChattyLine = "kmod-matrix fault: a line of output from a test that writes a lot";
}  // namespace

std::optional<SuiteCommand> command_for_test(const std::string& test_id, int rounds) {
  const std::string kmod_prefix = "kmod:";
  if (test_id.starts_with(kmod_prefix)) {
    std::string number = test_id.substr(kmod_prefix.size());
    bool four_digits = number.size() == 4 &&
                       std::all_of(number.begin(), number.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!four_digits) return std::nullopt;
    std::string dir(protocol::kKmodSuiteDir);
    // -t runs the test as many times as kmod.sh recommends for it, -c as often as asked.
    if (rounds > 0) return SuiteCommand{{"/bin/bash", dir + "/kmod.sh", "-c", number, std::to_string(rounds)}, dir};
    return SuiteCommand{{"/bin/bash", dir + "/kmod.sh", "-t", number}, dir};
  }
  // Our suites: bash scripts named after the id, "softdep:pre-post" -> softdep-pre-post.sh.
  for (const char* prefix : {"ns:", "softdep:", "dups:"}) {
    if (!test_id.starts_with(prefix)) continue;
    std::string script = test_id;
    std::replace(script.begin(), script.end(), ':', '-');
    std::replace(script.begin(), script.end(), '.', '-');
    const std::string dir(protocol::kSuitesDir);
    return SuiteCommand{{"/bin/bash", dir + "/" + script + ".sh"}, dir};
  }
  // Fault injection, to prove the harness survives what kernels do to it.
  static const std::map<std::string, std::string> kFaults = {
      {"fault:panic", "echo c > /proc/sysrq-trigger"},
      {"fault:hang", "exec sleep 1000000"},
      {"fault:oom", "x=0123456789abcdef; while :; do x=$x$x; done"},
      // Past the 2 MiB at which libvirt's log daemon rotates a serial log:
      // 3 MiB of output on the agent channel, then a pass; 10 MiB on the
      // kernel console (past the 8 MiB the daemon keeps), then a crash.
      {"fault:chatty", std::string("yes '") + std::string(kChattyLine) + "' | head -c 3145728"},
      {"fault:console-flood", std::string("yes '") + std::string(kChattyLine) +
                                  "' | head -c 10485760 >/dev/console; echo c >/proc/sysrq-trigger"},
  };
  if (auto it = kFaults.find(test_id); it != kFaults.end()) return SuiteCommand{{"/bin/sh", "-c", it->second}, "/"};
  // busybox has no chrt: the agent binary itself spins one unthrottled
  // real-time thread per CPU, which stalls the whole guest.
  if (test_id == "fault:stall") return SuiteCommand{{"/init", std::string(kStallArgument)}, "/"};
  return std::nullopt;
}

}  // namespace kmx::agent

namespace kmx::agent {

void stall_all_cpus() {
  if (FILE* f = std::fopen("/proc/sys/kernel/sched_rt_runtime_us", "w")) {
    std::fputs("-1", f);  // no RT throttling: nothing else gets a CPU back
    std::fclose(f);
  }
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  for (long cpu = 0; cpu < cpus; ++cpu) {
    if (::fork() != 0) continue;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<int>(cpu), &set);
    ::sched_setaffinity(0, sizeof set, &set);
    sched_param param{};
    param.sched_priority = 99;
    ::sched_setscheduler(0, SCHED_FIFO, &param);
    for (;;) asm volatile("" ::: "memory");  // spin without being optimised away
  }
  for (;;) ::pause();
}

}  // namespace kmx::agent
