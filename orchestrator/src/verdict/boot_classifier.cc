#include "verdict/boot_classifier.h"

#include <algorithm>
#include <cmath>

#include "verdict/console_scan.h"
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
  if (auto f = find_kind(findings, ConsoleEventKind::kOom))
    return TestVerdict{test, Verdict::kOom, "console: " + f->line};
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

nlohmann::json details_of(const std::string& test, const TestEndInfo& end, const AgentLog& agent) {
  nlohmann::json details = nlohmann::json::object();
  if (agent.output.count(test)) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [name, value] : parse_metrics(agent.output_lines(test))) {
      // Counts stay integers in results.json.
      if (value == static_cast<double>(static_cast<long long>(value)))
        metrics[name] = static_cast<long long>(value);
      else
        metrics[name] = value;
    }
    if (!metrics.empty()) details["metrics"] = metrics;
  }
  if (end.modstats_absent || !end.modstats_before.empty())
    details["module_stats"] = module_stats_json(end.modstats_absent, end.modstats_before, end.modstats_after);
  return details;
}

TestVerdict finished_test(const std::string& test, const TestEndInfo& end, const AgentLog& agent,
                          const ConsoleFindings& findings) {
  TestVerdict v{test, Verdict::kError, "", end.duration_s, details_of(test, end, agent)};
  if (auto c = from_console(test, findings)) {
    v.verdict = c->verdict;
    v.evidence = c->evidence;
  } else if (!end.error.empty()) {
    v.verdict = Verdict::kError;
    v.evidence = "agent: " + end.error;
  } else if (end.timed_out) {
    // duration_s is clamped by the parser, so the conversion is defined.
    std::string what = "agent: killed after its " + std::to_string(std::llround(end.duration_s)) + " s limit";
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
  else if (record.end == BootEnd::kBootTimeout)
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
      v = finished_test(test, end->second, record.agent, findings);
    else if (running && *running == test && record.end == BootEnd::kInterrupted)
      result.not_run.push_back(test);  // the user stopped it: no verdict, --resume reruns it
    else if (running && *running == test)
      v = interrupted_test(test, record, findings);
    else
      result.not_run.push_back(test);
    if (!v) continue;
    if (test == flooded) charge_flood(*v, record, findings);
    result.verdicts.push_back(std::move(*v));
  }
  return result;
}

}  // namespace kmx
