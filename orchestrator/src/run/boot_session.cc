#include "run/boot_session.h"

#include "kmx/protocol.h"

namespace kmx {
namespace {

constexpr std::size_t kMaxConsoleBytes = 64 << 20;
constexpr auto kPollInterval = std::chrono::milliseconds(200);

class BootWatch {
 public:
  BootWatch(VmDriver& driver, Clock& clock, const BootPlan& plan)
      : driver_(driver), clock_(clock), plan_(plan), start_(clock.now()), last_event_(start_) {}

  BootRun run(const TestEndObserver& on_test_end) {
    run_.record.requested_tests = plan_.tests;
    if (std::string error = driver_.start(plan_.spec); !error.empty()) {
      run_.record.end = BootEnd::kStartFailed;
      run_.record.end_detail = error;
      driver_.forget(plan_.spec.name);
      return run_;
    }
    std::size_t reported = 0;  // tests in started order whose end has been reported
    while (true) {
      drain();
      const auto& log = stream_.log();
      for (; reported < log.started.size() && log.ended.count(log.started[reported]); ++reported)
        if (on_test_end) on_test_end(log.started[reported]);
      // Everything is reported once the agent is done: waiting for the guest's
      // own power-off would only cost time (~1.5 s under TCG).
      if (log.done || !driver_.is_running(plan_.spec.name)) break;
      if (watchdog_fired()) break;  // destroyed below, like every other end
      clock_.sleep_for(kPollInterval);
    }
    drain();
    stream_.finish();
    driver_.destroy(plan_.spec.name);
    driver_.forget(plan_.spec.name);
    run_.record.agent = stream_.log();
    run_.wall_seconds = seconds_between(start_, clock_.now());
    return run_;
  }

 private:
  void drain() {
    std::string console = driver_.read_console(plan_.spec.name);
    if (run_.record.console.size() + console.size() <= kMaxConsoleBytes) run_.record.console += console;
    const std::size_t before = stream_.events_seen();
    stream_.feed(driver_.read_agent(plan_.spec.name));
    if (stream_.events_seen() != before) last_event_ = clock_.now();
    if (run_.boot_seconds < 0 && stream_.log().boot) run_.boot_seconds = seconds_between(start_, clock_.now());
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
    if (!log.boot) {
      if (seconds_between(start_, now) > plan_.boot_timeout_s)
        return fire(BootEnd::kBootTimeout, "no agent event within " + std::to_string(plan_.boot_timeout_s) + " s of VM start");
      return false;
    }
    if (auto test = log.running_test()) {
      if (*test != running_) {
        running_ = *test;
        running_since_ = now;
      }
      const int limit = plan_.test_timeout_s(*test) + plan_.host_grace_s;
      if (seconds_between(running_since_, now) > limit)
        return fire(BootEnd::kTestTimeout, *test + " still running after " + std::to_string(limit) +
                                               " s (limit plus host grace); VM destroyed");
      return false;
    }
    if (seconds_between(last_event_, now) > plan_.idle_timeout_s)
      return fire(BootEnd::kTestTimeout, "agent silent for " + std::to_string(plan_.idle_timeout_s) + " s between tests");
    return false;
  }

  VmDriver& driver_;
  Clock& clock_;
  const BootPlan& plan_;
  const Clock::TimePoint start_;
  Clock::TimePoint last_event_;
  AgentStream stream_;
  BootRun run_;
  std::string running_;
  Clock::TimePoint running_since_;
};

}  // namespace

BootRun run_boot(VmDriver& driver, Clock& clock, const BootPlan& plan, const TestEndObserver& on_test_end) {
  return BootWatch(driver, clock, plan).run(on_test_end);
}

std::string guest_cmdline(const std::vector<std::string>& tests, const std::function<int(const std::string&)>& timeout_s) {
  // panic=-1 reboots at once on panic and on_reboot=destroy ends the domain;
  // printk.devkmsg=on stops the kernel rate-limiting the agent's markers.
  std::string cmdline = "console=ttyS0,115200 panic=-1 printk.devkmsg=on loglevel=7 rdinit=/init ";
  cmdline += protocol::kParamTests;
  for (size_t i = 0; i < tests.size(); ++i)
    cmdline += (i ? "," : "") + tests[i] + "@" + std::to_string(timeout_s(tests[i]));
  return cmdline;
}

}  // namespace kmx
