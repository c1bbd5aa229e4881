#include "run/boot_session.h"

#include <map>

#include "kmx/protocol.h"
#include "run/capped_text.h"
#include "verdict/console_scan.h"

namespace kmx {
namespace {

// How often the host looks at the ports and the domain: the agent's `done`
// is seen at most this late (at 200 ms that cost each boot 0.1 s on average).
constexpr auto kPollInterval = std::chrono::milliseconds(50);
// How often it asks the hypervisor whether the domain still runs, when the
// ports were quiet (a guest that writes is running): each ask is a libvirt
// RPC, which at every poll cost the host more CPU than reading the ports.
// A guest that died is seen at most this late.
constexpr auto kLivenessInterval = std::chrono::milliseconds(250);

class BootWatch {
 public:
  BootWatch(VmDriver& driver, Clock& clock, const BootPlan& plan)
      : driver_(driver),
        clock_(clock),
        plan_(plan),
        start_(clock.now()),
        lifetime_s_(lifetime_limit_s(plan)),
        console_(plan.spec.console_max_bytes),
        stream_(plan.tests) {}

  BootRun run(const TestEndObserver& on_test_end) {
    run_.record.requested_tests = plan_.tests;
    run_.record.planned_rounds = plan_.planned_rounds;
    if (plan_.test_timeout_s)
      for (const auto& test : plan_.tests) run_.record.limit_s[test] = plan_.test_timeout_s(test);
    if (std::string error = driver_.start(plan_.spec); !error.empty()) {
      run_.record.end = driver_.connection_alive() ? BootEnd::kStartFailed : BootEnd::kHostLost;
      run_.record.end_detail = error;
      driver_.forget(plan_.spec.name);
      return run_;
    }
    try {
      return follow(on_test_end);
    } catch (...) {
      // Whatever failed on the host side, the VM does not outlive it.
      driver_.destroy(plan_.spec.name);
      driver_.forget(plan_.spec.name);
      throw;
    }
  }

 private:
  BootRun follow(const TestEndObserver& on_test_end) {
    std::size_t reported = 0;  // tests in started order whose end has been reported
    auto next_liveness_check = clock_.now();
    while (true) {
      const bool wrote = drain();
      const auto& log = stream_.log();
      for (; reported < log.started.size() && log.ended.count(log.started[reported]); ++reported)
        if (on_test_end) on_test_end(log.started[reported]);
      // Everything is reported once the agent is done: waiting for the guest's
      // own power-off would only cost time (~1.5 s under TCG).
      if (log.done) {
        note("boot: agent boot event to done (the tests)", seconds_between(boot_at_, clock_.now()));
        break;
      }
      if (!wrote && clock_.now() >= next_liveness_check) {
        next_liveness_check = clock_.now() + kLivenessInterval;
        if (!driver_.is_running(plan_.spec.name)) {
          if (!driver_.connection_alive()) {
            run_.record.end = BootEnd::kHostLost;
            run_.record.end_detail = "the connection to the libvirt host was lost";
          }
          break;
        }
      }
      if (flooded()) break;  // destroyed below, like every other end
      if (watchdog_fired()) {
        if (run_.record.end == BootEnd::kTestTimeout || run_.record.end == BootEnd::kLifetimeCap)
          ask_kernel_for_stacks();
        break;
      }
      clock_.sleep_for(kPollInterval);
    }
    if (auto test = stream_.log().running_test(); test && test_started_at_.count(*test))
      run_.record.running_seconds[*test] = seconds_between(test_started_at_.at(*test), clock_.now());
    const auto ending = clock_.now();
    driver_.destroy(plan_.spec.name);
    drain_to_end();
    stream_.finish();
    driver_.forget(plan_.spec.name);
    note("boot: destroy asked, last output read", seconds_between(ending, clock_.now()));
    // The user's interrupt wins: the test cut short keeps no verdict.
    if (flooded() && run_.record.end != BootEnd::kInterrupted) describe_flood();
    run_.record.agent = stream_.log();
    run_.console_bytes = console_.total_bytes();
    run_.record.console = console_.take();
    run_.agent_bytes = agent_bytes_;
    run_.wall_seconds = seconds_between(start_, clock_.now());
    return run_;
  }

  // The guest stopped answering in time: before it is destroyed, the
  // kernel lists its blocked tasks (w) and every task (t) on the console.
  void ask_kernel_for_stacks() {
    if (!stream_.log().running_test()) return;
    bool sent = false;
    for (char key : {'w', 't'}) sent = driver_.send_sysrq(plan_.spec.name, key) || sent;
    if (!sent) return;
    const auto give_up = clock_.now() + std::chrono::seconds(plan_.sysrq_wait_s);
    auto last_output = clock_.now();
    // Until the console has been quiet for a second, or the wait is over.
    while (clock_.now() < give_up && seconds_between(last_output, clock_.now()) < 1.0 && !flooded()) {
      clock_.sleep_for(kPollInterval);
      if (drain()) last_output = clock_.now();
    }
    run_.record.end_detail += "; sysrq w and t sent before the VM was destroyed";
  }

  // Host time of the first OOM kill during the running test: from the
  // console as it comes, or from the agent's oom_kill samples.
  void watch_for_oom(std::string_view console) {
    const auto running = stream_.log().running_test();
    if (!running || *running != oom_test_) {
      oom_test_ = running.value_or("");
      oom_seen_ = false;
      console_partial_.clear();
    }
    if (oom_test_.empty() || oom_seen_) return;
    auto seen = [&] {
      oom_seen_ = true;
      oom_seen_at_ = clock_.now();
    };
    if (auto it = stream_.log().memory.find(oom_test_); it != stream_.log().memory.end() && it->second.oom_killed())
      return seen();
    for (std::size_t start = 0; start < console.size();) {
      const auto end = console.find('\n', start);
      const std::string_view piece = console.substr(start, end == std::string_view::npos ? end : end - start);
      if (console_partial_.size() < kMaxWatchedLine) console_partial_.append(piece.substr(0, kMaxWatchedLine));
      if (end == std::string_view::npos) break;
      if (console_line_kind(console_partial_) == ConsoleEventKind::kOom) return seen();
      console_partial_.clear();
      start = end + 1;
    }
  }

  // Returns whether either channel had anything new.
  bool drain() {
    const std::string console = driver_.read_console(plan_.spec.name);
    if (!console.empty() && console_.total_bytes() == 0)
      note("boot: VM start to first console byte", seconds_between(start_, clock_.now()));
    console_.append(console);
    const std::string agent = driver_.read_agent(plan_.spec.name);
    // Past the cap nothing more is parsed: the boot is ending anyway.
    const std::size_t room = agent_bytes_ < plan_.spec.agent_max_bytes ? plan_.spec.agent_max_bytes - agent_bytes_ : 0;
    stream_.feed(std::string_view(agent).substr(0, room));
    agent_bytes_ += agent.size();
    note_progress();
    watch_for_oom(console);
    return !console.empty() || !agent.empty();
  }

  // After the VM is gone: everything it wrote, a poll's worth at a time.
  // Bounded in case the hypervisor still writes while it tears the VM down.
  void drain_to_end() {
    const std::size_t limit = 2 * (plan_.spec.console_max_bytes + plan_.spec.agent_max_bytes) + (64 << 20);
    const std::size_t before = console_.total_bytes() + agent_bytes_;
    while (drain() && console_.total_bytes() + agent_bytes_ - before < limit) {
    }
  }

  // Host-side times of the guest's progress: the only things deadlines count from.
  void note_progress() {
    const auto now = clock_.now();
    const auto& log = stream_.log();
    if (log.boot && run_.boot_seconds < 0) {
      run_.boot_seconds = seconds_between(start_, now);
      last_progress_ = boot_at_ = now;
      note("boot: VM start to agent boot event", run_.boot_seconds);
      // What the guest says of its own boot: informational only.
      if (log.boot->agent_start_uptime_s >= 0) {
        note("guest: kernel start to agent start", log.boot->agent_start_uptime_s);
        if (log.boot->uptime_s >= log.boot->agent_start_uptime_s)
          note("guest: agent start to boot event", log.boot->uptime_s - log.boot->agent_start_uptime_s);
      }
    }
    if (auto test = log.running_test(); test && !test_started_at_.count(*test)) test_started_at_[*test] = now;
    if (log.ended.size() != ended_seen_) {
      ended_seen_ = log.ended.size();
      last_progress_ = now;
    }
  }

  void note(std::string_view phase, double seconds) {
    if (plan_.timings) plan_.timings->add(phase, seconds);
  }

  bool flooded() const { return console_.over_cap() || agent_bytes_ > plan_.spec.agent_max_bytes; }

  void describe_flood() {
    auto one = [](const char* port, std::size_t bytes, std::size_t cap) {
      return std::string(port) + " " + std::to_string(bytes) + " bytes (cap " + std::to_string(cap) + ")";
    };
    std::string detail = "guest wrote " + one("console", console_.total_bytes(), console_.cap()) + ", " +
                         one("agent", agent_bytes_, plan_.spec.agent_max_bytes) +
                         "; truncated to the first and last part of each, VM destroyed";
    if (!run_.record.end_detail.empty()) detail += " (also: " + run_.record.end_detail + ")";
    run_.record.end = BootEnd::kOutputFlood;
    run_.record.end_detail = detail;
  }

  bool watchdog_fired() {
    const auto now = clock_.now();
    const auto& log = stream_.log();
    auto fire = [&](BootEnd end, std::string detail) {
      run_.record.end = end;
      run_.record.end_detail = std::move(detail);
      return true;
    };
    if (plan_.stop && *plan_.stop) return fire(BootEnd::kInterrupted, "run interrupted");
    if (seconds_between(start_, now) > static_cast<double>(lifetime_s_))
      return fire(BootEnd::kLifetimeCap, "VM alive for more than " + std::to_string(lifetime_s_) +
                                             " s, everything its tests asked for plus margin; VM destroyed");
    if (!log.boot) {
      if (seconds_between(start_, now) > plan_.boot_timeout_s)
        return fire(BootEnd::kBootTimeout,
                    "no agent event within " + std::to_string(plan_.boot_timeout_s) + " s of VM start");
      return false;
    }
    if (oom_seen_ && log.running_test() == oom_test_ && seconds_between(oom_seen_at_, now) > plan_.oom_grace_s)
      return fire(BootEnd::kOomGrace, "the kernel OOM-killed during " + oom_test_ + ", still running " +
                                          std::to_string(plan_.oom_grace_s) + " s later; VM destroyed");
    if (auto test = log.running_test()) {
      const int limit = plan_.test_timeout_s(*test) + plan_.host_grace_s;
      if (seconds_between(test_started_at_.at(*test), now) > limit)
        return fire(BootEnd::kTestTimeout, *test + " still running after " + std::to_string(limit) +
                                               " s (limit plus host grace); VM destroyed");
      return false;
    }
    if (seconds_between(last_progress_, now) > plan_.idle_timeout_s)
      return fire(BootEnd::kTestTimeout,
                  "agent silent for " + std::to_string(plan_.idle_timeout_s) + " s between tests");
    return false;
  }

  VmDriver& driver_;
  Clock& clock_;
  const BootPlan& plan_;
  const Clock::TimePoint start_;
  const long long lifetime_s_;
  Clock::TimePoint last_progress_;  // boot event or the last test end, as the host saw them
  Clock::TimePoint boot_at_;        // when the host saw the boot event
  std::map<std::string, Clock::TimePoint> test_started_at_;
  std::size_t ended_seen_ = 0;
  static constexpr std::size_t kMaxWatchedLine = 4096;
  std::string oom_test_;  // the test watch_for_oom follows
  bool oom_seen_ = false;
  Clock::TimePoint oom_seen_at_;
  std::string console_partial_;  // the console line not yet complete
  CappedText console_;
  std::size_t agent_bytes_ = 0;
  AgentStream stream_;
  BootRun run_;
};

}  // namespace

BootRun run_boot(VmDriver& driver, Clock& clock, const BootPlan& plan, const TestEndObserver& on_test_end) {
  return BootWatch(driver, clock, plan).run(on_test_end);
}

long long lifetime_limit_s(const BootPlan& plan) {
  long long limit = static_cast<long long>(plan.boot_timeout_s) + plan.lifetime_margin_s;
  for (const auto& test : plan.tests) limit += static_cast<long long>(plan.test_timeout_s(test)) + plan.host_grace_s;
  return limit;
}

std::string guest_cmdline(const std::vector<std::string>& tests,
                          const std::function<int(const std::string&)>& timeout_s,
                          const std::function<int(const std::string&)>& rounds) {
  // panic=-1 reboots at once on panic and on_reboot=destroy ends the domain;
  // printk.devkmsg=on stops the kernel rate-limiting the agent's markers.
  // printk.devkmsg=on on the command line also locks the setting: a test
  // cannot turn the agent's markers off through the sysctl.
  // sysrq_always_enabled: distributions mask sysrq's task dumps off the
  // keyboard (Debian's default 0x1b6), and the host asks for them by key.
  std::string cmdline =
      "console=ttyS0,115200 panic=-1 printk.devkmsg=on loglevel=" + std::to_string(protocol::kConsoleLogLevel) +
      " sysrq_always_enabled rdinit=/init ";
  cmdline += protocol::kParamTests;
  for (size_t i = 0; i < tests.size(); ++i) {
    cmdline += (i ? "," : "") + tests[i] + "@" + std::to_string(timeout_s(tests[i]));
    if (const int n = rounds ? rounds(tests[i]) : 0; n > 0) cmdline += "x" + std::to_string(n);
  }
  return cmdline;
}

}  // namespace kmx
