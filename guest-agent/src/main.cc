// kmx-agent: PID 1 of every kmod-matrix guest. Prepares the system, runs the
// tests named on the kernel command line one by one, streams events to the
// host and powers the VM off. See docs/agent-protocol.md.
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <string>

#include <cstdlib>

#include "event_channel.h"
#include "finit_storm.h"
#include "guest_system.h"
#include "hang_dump.h"
#include "kmod_config_probe.h"
#include "kmx/protocol.h"
#include "memory_sampler.h"
#include "suite_commands.h"
#include "test_process.h"

namespace kmx::agent {
namespace {

// CONFIG_MODULE_STATS (6.4+, with MODULE_DEBUG): nullopt where absent.
std::optional<std::string> read_module_stats() {
  std::ifstream in{std::string(protocol::kModuleStatsPath)};
  if (!in) return std::nullopt;
  std::string text(protocol::kMaxModuleStatsBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

// Returns false when the guest must not run further tests.
bool run_one(EventChannel& channel, const std::string& test_id, int timeout_s, int rounds) {
  channel.emit(protocol::kEventTestStart, {{"test", test_id}, {"timeout_s", timeout_s}});
  const auto stats_before = read_module_stats();
  channel.kernel_marker(protocol::kMarkerKindBegin, test_id);
  TestOutcome outcome;
  if (auto command = command_for_test(test_id, rounds)) {
    SampleSchedule schedule;
    TestHooks hooks;
    hooks.on_tick = [&](double elapsed) {
      if (!schedule.due(elapsed)) return;
      nlohmann::json fields = to_event_fields(sample_memory(elapsed));
      fields["test"] = test_id;
      channel.emit(protocol::kEventSample, std::move(fields));
    };
    hooks.before_kill = [&](pid_t group) {
      request_blocked_task_dump();
      channel.emit(protocol::kEventHangDump, {{"test", test_id}, {"text", collect_hang_dump(group)}});
    };
    outcome = run_test_process(
        command->argv, command->cwd, timeout_s,
        [&](const std::string& line) {
          channel.emit(protocol::kEventOutput, {{"test", test_id}, {"line", line}});
        },
        hooks);
  } else {
    outcome.spawn_error = "the agent has no suite for test id '" + test_id + "'";
  }
  channel.kernel_marker(protocol::kMarkerKindEnd, test_id);
  nlohmann::json end = {{"test", test_id},
                        {"exit", outcome.exit_code},
                        {"signal", outcome.signal},
                        {"timed_out", outcome.timed_out},
                        {"duration_s", outcome.duration_s}};
  if (!outcome.spawn_error.empty()) end["error"] = outcome.spawn_error;
  if (outcome.unkillable) end["unkillable"] = true;
  if (stats_before) {
    end["modstats_before"] = *stats_before;
    end["modstats_after"] = read_module_stats().value_or("");
  } else {
    end["modstats"] = "absent";
  }
  channel.emit(protocol::kEventTestEnd, std::move(end));
  return !outcome.unkillable;
}

}  // namespace
}  // namespace kmx::agent

int main(int argc, char** argv) {
  using namespace kmx::agent;
  if (argc > 1 && std::string_view(argv[1]) == kStallArgument) stall_all_cpus();
  if (argc > 3 && std::string_view(argv[1]) == kFinitArgument) return finit_storm(argv[2], std::atoi(argv[3]));
  auto problems = prepare_guest_system();
  const double agent_start_uptime = guest_uptime_seconds();  // /proc is mounted from here on
  EventChannel channel;
  AgentConfig config = parse_kernel_cmdline(read_file_trimmed("/proc/cmdline"));
  utsname uts{};
  ::uname(&uts);
  const KmodConfigProbe config_probe = probe_kmod_config();
  channel.emit(kmx::protocol::kEventBoot, {{"uname", uts.release},
                                           {"modprobe_config",
                                            {{"available", config_probe.available},
                                             {"searched_dirs", config_probe.searched_dirs},
                                             {"dump", config_probe.dump},
                                             {"bytes", config_probe.dump_bytes}}},
                                           {"kmod_version", guest_kmod_version()},
                                           {"cpus", sysconf(_SC_NPROCESSORS_ONLN)},
                                           {"mem_kib", sysconf(_SC_PHYS_PAGES) * (sysconf(_SC_PAGESIZE) / 1024)},
                                           {"tests", config.tests.size()},
                                           {"problems", problems},
                                           {"agent_start_uptime_s", agent_start_uptime},
                                           {"uptime_s", guest_uptime_seconds()}});
  for (const auto& test : config.tests)
    if (!run_one(channel, test.id, test.timeout_s, test.rounds)) break;  // the host boots afresh for the rest
  channel.emit(kmx::protocol::kEventDone, nlohmann::json::object());
  // The host destroys the VM once it reads `done`. A guest that powers itself
  // off at that moment is torn down by libvirtd's event handling instead,
  // which holds up the start of the host's next domain by 1-2 s (BENCHMARKS.md):
  // power off only if nobody has destroyed the VM by then.
  if (::getpid() == 1) {
    ::sleep(kmx::protocol::kPowerOffAfterDoneS);
    power_off();
  }
  return 0;
}
