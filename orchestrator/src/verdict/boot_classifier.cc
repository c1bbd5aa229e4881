#include "verdict/boot_classifier.h"

#include <algorithm>
#include <cmath>

#include "kmx/protocol.h"
#include "verdict/console_scan.h"
#include "verdict/hang_report.h"
#include "verdict/oom_report.h"
#include "verdict/test_details.h"

namespace kmx {
namespace {

// The output line that best explains a failure: the last one that says
// FAIL or ERROR (kmod.sh prints "Test completed" last even on failure),
// else the last line.
std::string last_output(const AgentLog& agent, const std::string& test) {
  const std::vector<std::string> lines = agent.output_lines(test);
  if (lines.empty()) return "";
  auto telling = std::find_if(lines.rbegin(), lines.rend(), [](const std::string& line) {
    return line.find("FAIL") != std::string::npos || line.find("ERROR") != std::string::npos;
  });
  const bool found = telling != lines.rend();
  return std::string(found ? "; output: \"" : "; last output: \"") +
         sanitize_guest_text(found ? *telling : lines.back(), 160) + "\"";
}

// Console evidence outranks the exit code: a test whose shell was killed by
// the OOM killer may still exit 0 or 1.
std::optional<TestVerdict> from_console(const std::string& test, const ConsoleFindings& findings) {
  if (auto f = find_kind(findings, ConsoleEventKind::kPanic))
    return TestVerdict{test, Verdict::kPanic, "console: " + f->line};
  if (auto f = find_kind(findings, ConsoleEventKind::kOom)) {
    // The victim's line says who died and how big it was.
    const auto victim = find_kind(findings, ConsoleEventKind::kOomVictim);
    return TestVerdict{test, Verdict::kOom, "console: " + (victim ? victim->line : f->line)};
  }
  return std::nullopt;
}

TestVerdict timed_out(const std::string& test, const ConsoleFindings& findings, const std::string& what) {
  if (auto f = find_kind(findings, ConsoleEventKind::kHang))
    return {test, Verdict::kHang, what + "; console: " + f->line};
  return {test, Verdict::kTimeout, what};
}

// How evidence names a kernel bug report that did not stop the kernel.
std::string_view bug_phrase(ConsoleEventKind kind) {
  switch (kind) {
    case ConsoleEventKind::kWarning:
      return "the kernel printed a WARNING";
    case ConsoleEventKind::kKasan:
      return "KASAN reported a memory error";
    case ConsoleEventKind::kUbsan:
      return "UBSAN reported undefined behaviour";
    default:
      return "the kernel oopsed";
  }
}

// A failing test's evidence, plus the kernel bug report of its segment if any.
std::string with_bug_report(std::string evidence, const ConsoleFindings& findings) {
  if (auto bug = first_bug_report(findings))
    evidence += "; " + std::string(bug_phrase(bug->kind)) + ", console: " + bug->line;
  return evidence;
}

// Figures the guest did not have (-1) are left unset.
MemoryCurve memory_curve(const MemoryTrace& trace) {
  auto known = [](long long v) { return v >= 0 ? std::optional(v) : std::nullopt; };
  MemoryCurve curve;
  curve.interval_ms = protocol::kSampleMs * static_cast<long long>(trace.stride);
  for (const auto& s : trace.samples) {
    if (s.available_kib < 0) continue;
    curve.samples.push_back({std::round(s.t * 100) / 100, s.available_kib, known(s.slab_kib), known(s.vmalloc_kib),
                             known(s.committed_kib), known(s.oom_kills), known(s.processes)});
  }
  curve.min_available_kib = known(trace.min_available_kib);
  curve.peak_processes = known(trace.peak_processes);
  if (trace.oom_killed()) curve.first_oom_kill_s = std::round(trace.first_oom_kill_t * 100) / 100;
  return curve;
}

// Figures the agent streamed while the test ran, whatever its end.
void add_streamed_details(TestDetails& details, const std::string& test, const AgentLog& agent,
                          const ConsoleFindings& findings) {
  if (auto it = agent.memory.find(test); it != agent.memory.end() && !it->second.samples.empty())
    details.memory = memory_curve(it->second);
  if (auto victim = find_kind(findings, ConsoleEventKind::kOomVictim))
    if (auto kill = parse_oom_victim(victim->line)) details.oom = *kill;
}

// {planned, passed, failed_at} of a kmod.sh test; none when it has no rounds
// or an unknown plan.
std::optional<Iterations> iterations_of(const TestVerdict& v, const BootRecord& record) {
  if (!v.test.starts_with("kmod:") || v.verdict == Verdict::kSkip) return std::nullopt;
  const auto planned_it = record.planned_rounds.find(v.test);
  const int planned = planned_it == record.planned_rounds.end() ? 0 : planned_it->second;
  const auto started_it = record.agent.rounds_started.find(v.test);
  const int started = started_it == record.agent.rounds_started.end() ? 0 : started_it->second;
  if (planned <= 0) return std::nullopt;
  Iterations it{planned, 0, std::nullopt};
  if (v.verdict == Verdict::kPass) {
    it.passed = planned;
  } else {
    // The round that was running when the test failed, counted from 1.
    it.passed = started > 0 ? std::min(started - 1, planned) : 0;
    if (started > 0) it.failed_at = std::min(started, planned);
  }
  return it;
}

// Where the test's part of the console starts: its accepted begin marker.
std::size_t segment_start(const BootRecord& record, const std::string& test) {
  auto nonce = record.agent.begin_nonces.find(test);
  if (nonce == record.agent.begin_nonces.end()) return 0;
  const std::string marker =
      std::string(protocol::kConsoleMarker) + std::string(protocol::kMarkerBegin) + test + " " + nonce->second;
  const auto at = record.console.find(marker);
  return at == std::string::npos ? 0 : at;
}

// A test stopped at its limit: the dump for tests/<id>.hang.txt and its
// first blocked stack quoted in the evidence.
void attach_hang_dump(TestVerdict& v, const BootRecord& record) {
  auto dump = record.agent.hang_dumps.find(v.test);
  const std::string agent_dump = dump == record.agent.hang_dumps.end() ? "" : dump->second;
  const std::string sysrq = sysrq_excerpt(record.console, segment_start(record, v.test));
  if (agent_dump.empty() && sysrq.empty()) return;
  v.hang_dump = agent_dump;
  if (!sysrq.empty())
    v.hang_dump +=
        (v.hang_dump.empty() ? "" : "\n") + std::string("kmod-matrix: the console from the sysrq dump on\n") + sysrq;
  const std::string first = first_blocked_stack(agent_dump, sysrq);
  v.details.hang = HangDump{"", first};
  if (!first.empty()) v.evidence += "; first blocked: " + first;
}

TestDetails details_of(const std::string& test, const TestEndInfo& end, const AgentLog& agent) {
  TestDetails details;
  if (agent.output.count(test)) details.metrics = parse_metrics(agent.output_lines(test));
  if (end.modstats_absent || !end.modstats_before.empty())
    details.module_stats = module_stats_record(end.modstats_absent, end.modstats_before, end.modstats_after);
  return details;
}

TestVerdict finished_test(const std::string& test, const TestEndInfo& end, const AgentLog& agent,
                          const ConsoleFindings& findings, const std::map<std::string, int>& limit_s) {
  TestVerdict v{test, Verdict::kError, "", end.duration_s, details_of(test, end, agent)};
  if (auto c = from_console(test, findings)) {
    v.verdict = c->verdict;
    v.evidence = c->evidence;
  } else if (!end.error.empty()) {
    v.verdict = Verdict::kError;
    v.evidence = "agent: " + end.error;
  } else if (end.timed_out) {
    // duration_s is clamped by the parser, so the conversion is defined.
    const auto limit = limit_s.find(test);
    std::string what = limit != limit_s.end()
                           ? "agent: killed after its " + std::to_string(limit->second) + " s limit"
                           : "agent: killed at its limit after " + std::to_string(std::llround(end.duration_s)) + " s";
    if (end.unkillable)
      what += "; still alive after SIGKILL (stuck in the kernel), remaining tests run in a fresh boot";
    TestVerdict t = timed_out(test, findings, what);
    v.verdict = t.verdict;
    v.evidence = t.evidence;
  } else if (end.signal != 0) {
    v.verdict = Verdict::kFail;
    v.evidence = with_bug_report(
        "agent: test killed by signal " + std::to_string(end.signal) + last_output(agent, test), findings);
  } else if (end.exit_code == 0) {
    // An oops, WARNING, KASAN or UBSAN report in the test's segment fails a
    // test that otherwise passed: the kernel went on, the test did not see it.
    if (auto bug = first_bug_report(findings)) {
      v.verdict = Verdict::kFail;
      v.evidence = "exit status 0 but " + std::string(bug_phrase(bug->kind)) + "; console: " + bug->line;
    } else {
      v.verdict = Verdict::kPass;
      v.evidence = "agent: exit status 0";
    }
  } else if (end.exit_code == 4) {
    v.verdict = Verdict::kSkip;
    v.evidence = "agent: exit status 4 (kselftest skip)" + last_output(agent, test);
  } else {
    v.verdict = Verdict::kFail;
    v.evidence =
        with_bug_report("agent: exit status " + std::to_string(end.exit_code) + last_output(agent, test), findings);
  }
  if (v.verdict == Verdict::kFail)
    if (auto throttle = find_kind(findings, ConsoleEventKind::kKmodThrottle))
      v.evidence += "; kernel: " + throttle->line;
  return v;
}

// The guest stopped while this test was running.
TestVerdict interrupted_test(const std::string& test, const BootRecord& record, const ConsoleFindings& findings) {
  if (auto c = from_console(test, findings)) return *c;
  // The agent's own samples saw the OOM kill; the console line did not come.
  if (record.end == BootEnd::kOomGrace) return {test, Verdict::kOom, "host: " + record.end_detail};
  if (record.end == BootEnd::kTestTimeout || record.end == BootEnd::kLifetimeCap)
    return timed_out(test, findings, "host watchdog: " + record.end_detail);
  return {test, Verdict::kError,
          "guest stopped during the test with no test-end event and no panic on the console" +
              (record.end_detail.empty() ? "" : " (" + record.end_detail + ")")};
}

// The agent never reported boot: every requested test carries the boot's fate.
BootVerdicts failed_boot(const BootRecord& record, const ConsoleFindings& findings) {
  TestVerdict fate{"", Verdict::kError, ""};
  if (record.end == BootEnd::kStartFailed)
    fate = {"", Verdict::kError, "VM did not start: " + record.end_detail};
  else if (auto c = from_console("", findings))
    fate = {"", c->verdict, "during boot, " + c->evidence};
  else if (record.end == BootEnd::kInterrupted || record.end == BootEnd::kHostLost) {
    // The user stopped it, or its host went, before the agent booted: no
    // test has a verdict, and every one runs again (--resume, another host).
    BootVerdicts none;
    none.not_run = record.requested_tests;
    return none;
  } else if (record.end == BootEnd::kBootTimeout)
    fate = {"", Verdict::kTimeout, "boot: " + record.end_detail};
  else if (record.end == BootEnd::kOutputFlood)
    fate = {"", Verdict::kFail, "during boot, " + record.end_detail};
  else
    fate = {"", Verdict::kError, "guest stopped before the agent reported boot"};
  if (record.agent.garbage_lines > 0)
    fate.evidence += "; agent channel had " + std::to_string(record.agent.garbage_lines) +
                     " malformed lines, first: " + record.agent.garbage_samples.front();
  BootVerdicts result;
  for (const auto& test : record.requested_tests) {
    TestVerdict v = fate;
    v.test = test;
    result.verdicts.push_back(v);
  }
  return result;
}

// A guest that flooded a channel: the test in whose time it happened gets
// the flood as its verdict unless the console shows a panic or an OOM.
void charge_flood(TestVerdict& v, const BootRecord& record, const ConsoleFindings& findings) {
  if (v.verdict == Verdict::kPanic || v.verdict == Verdict::kOom) {
    v.evidence += "; then " + record.end_detail;
    return;
  }
  v.verdict = Verdict::kFail;
  v.evidence = "output flood: " + record.end_detail;
  auto telling = find_kind(findings, ConsoleEventKind::kHang);
  if (!telling) telling = first_bug_report(findings);
  if (telling) v.evidence += "; console: " + telling->line;
}

}  // namespace

BootVerdicts classify_boot(const BootRecord& record) {
  const ConsoleReport console = scan_console(record.console, record.agent.begin_nonces);
  if (!record.agent.boot) return failed_boot(record, console.whole);

  BootVerdicts result;
  const auto running = record.agent.running_test();
  // A flood between tests is charged to the test whose console segment it is in.
  const std::string flooded = record.end != BootEnd::kOutputFlood ? ""
                              : running                           ? *running
                              : record.agent.started.empty()      ? ""
                                                                  : record.agent.started.back();
  for (const auto& test : record.requested_tests) {
    const bool started =
        std::find(record.agent.started.begin(), record.agent.started.end(), test) != record.agent.started.end();
    if (!started && record.end == BootEnd::kOutputFlood && record.agent.started.empty()) {
      result.verdicts.push_back({test, Verdict::kFail, "before any test started, " + record.end_detail});
      continue;
    }
    if (!started) {
      result.not_run.push_back(test);
      continue;
    }
    const ConsoleFindings& findings = findings_of(console, test);
    std::optional<TestVerdict> v;
    if (auto end = record.agent.ended.find(test); end != record.agent.ended.end())
      v = finished_test(test, end->second, record.agent, findings, record.limit_s);
    else if (running && *running == test && (record.end == BootEnd::kInterrupted || record.end == BootEnd::kHostLost))
      result.not_run.push_back(test);  // the user stopped it, or its host went: no verdict, it runs again
    else if (running && *running == test) {
      v = interrupted_test(test, record, findings);
      if (auto s = record.running_seconds.find(test); s != record.running_seconds.end()) v->duration_s = s->second;
    } else
      result.not_run.push_back(test);
    if (!v) continue;
    if (test == flooded) charge_flood(*v, record, findings);
    add_streamed_details(v->details, test, record.agent, findings);
    v->details.iterations = iterations_of(*v, record);
    if (v->verdict == Verdict::kTimeout || v->verdict == Verdict::kHang) attach_hang_dump(*v, record);
    result.verdicts.push_back(std::move(*v));
  }
  return result;
}

}  // namespace kmx
