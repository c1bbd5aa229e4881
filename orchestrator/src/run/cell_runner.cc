#include "run/cell_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "os/files.h"
#include "run/boot_session.h"
#include "verdict/boot_classifier.h"
#include "vm/domain_name.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

std::string_view boot_end_name(BootEnd end) {
  switch (end) {
    case BootEnd::kPoweredOff: return "stopped";
    case BootEnd::kStartFailed: return "start-failed";
    case BootEnd::kBootTimeout: return "boot-timeout";
    case BootEnd::kTestTimeout: return "test-timeout";
    case BootEnd::kInterrupted: return "interrupted";
  }
  return "unknown";
}

TestResult make_result(const Matrix& matrix, const Cell& cell, const TestVerdict& v, int boot) {
  Expected expected = expected_for(matrix, cell, v.test);
  TestResult r;
  r.test = v.test;
  r.verdict = v.verdict;
  r.evidence = v.evidence;
  r.duration_s = v.duration_s;
  r.expected = expected.verdicts;
  r.expected_reason = expected.reason;
  r.as_expected = expected.matches(v.verdict);
  r.boot = boot;
  return r;
}

void write_test_logs(const fs::path& cell_dir, const fs::path& run_dir, const AgentLog& agent,
                     std::vector<TestResult>& results) {
  for (auto& r : results) {
    auto it = agent.output.find(r.test);
    if (it == agent.output.end()) continue;
    std::string text;
    for (const auto& line : it->second) text += line + "\n";
    const fs::path path = cell_dir / "tests" / (test_file_name(r.test) + ".log");
    write_file_atomically(path, text);
    r.log = fs::relative(path, run_dir).string();
  }
}

}  // namespace

std::string test_file_name(const std::string& test) {
  std::string name;
  for (char c : test) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '-';
  return name;
}

CellResult failed_cell(const Matrix& matrix, const Cell& cell, const std::string& cause) {
  CellResult result;
  result.cell = cell;
  for (const auto& test : cell.tests)
    result.tests.push_back(make_result(matrix, cell, TestVerdict{test, Verdict::kError, "image: " + cause}, 0));
  return result;
}

namespace {

std::vector<TestResult> in_cell_order(const Cell& cell, const std::vector<TestResult>& tests) {
  std::vector<TestResult> ordered;
  for (const auto& test : cell.tests)
    for (const auto& r : tests)
      if (r.test == test) ordered.push_back(r);
  return ordered;
}

}  // namespace

CellResult run_cell(const CellContext& ctx, const Cell& cell, const Image& image, const CellResult& previous,
                    const std::function<void(const CellResult&)>& on_progress) {
  CellResult result = previous;
  result.cell = cell;
  result.image_id = image.id;
  result.tests = in_cell_order(cell, previous.tests);  // drops tests the matrix no longer has
  const fs::path cell_dir = ctx.run_dir / "cells" / cell.id();
  auto timeout_for = [&](const std::string& test) { return ctx.matrix.timeouts.for_test(test); };

  std::vector<std::string> remaining;
  for (const auto& test : cell.tests)
    if (std::none_of(result.tests.begin(), result.tests.end(), [&](const TestResult& r) { return r.test == test; }))
      remaining.push_back(test);
  int start_failures = 0;
  // Every boot either decides a test or is a start failure, so this bounds the loop.
  const int first_boot = static_cast<int>(previous.boots.size()) + 1;
  const int last_boot = first_boot + static_cast<int>(remaining.size()) + ctx.max_start_attempts - 1;
  for (int boot = first_boot; !remaining.empty() && boot <= last_boot; ++boot) {
    const fs::path boot_dir = cell_dir / ("boot-" + std::to_string(boot));
    fs::create_directories(boot_dir);
    BootPlan plan;
    plan.spec = VmSpec{domain_name(ctx.owner_pid, ctx.run_id, cell.index, boot),
                       ctx.accel,
                       cell.vcpus,
                       cell.memory_mib,
                       image.vmlinuz,
                       image.initrd,
                       guest_cmdline(remaining, timeout_for),
                       boot_dir / "console.log",
                       boot_dir / "agent.log"};
    plan.tests = remaining;
    plan.test_timeout_s = timeout_for;
    plan.boot_timeout_s = ctx.matrix.timeouts.boot_s;
    plan.host_grace_s = ctx.host_grace_s;
    plan.stop = ctx.stop;
    spdlog::info("[{}] boot {}: {} test(s), {} vCPU, {} MiB, {}", cell.id(), boot, remaining.size(), cell.vcpus,
                 cell.memory_mib, to_string(ctx.accel));
    BootRun run = run_boot(ctx.driver, ctx.clock, plan, [&](const std::string& test) {
      spdlog::info("[{}] {} finished", cell.id(), test);
    });

    BootSummary summary{boot,
                        plan.spec.name,
                        run.boot_seconds,
                        run.wall_seconds,
                        std::string(boot_end_name(run.record.end)),
                        run.record.end_detail,
                        fs::relative(plan.spec.console_log, ctx.run_dir).string(),
                        fs::relative(plan.spec.agent_log, ctx.run_dir).string(),
                        run.record.agent.garbage_lines,
                        run.record.agent.garbage_samples,
                        {}};
    if (const auto& info = run.record.agent.boot) {
      summary.agent_problems = info->problems;
      if (result.guest_uname.empty()) {
        result.guest_uname = info->uname;
        result.guest_kmod_version = info->kmod_version;
      }
    }
    result.boots.push_back(summary);

    if (run.record.end == BootEnd::kStartFailed && ++start_failures < ctx.max_start_attempts) {
      spdlog::warn("[{}] {}; retrying ({}/{})", cell.id(), run.record.end_detail, start_failures, ctx.max_start_attempts);
      continue;
    }
    BootVerdicts verdicts = classify_boot(run.record);
    std::vector<TestResult> decided;
    for (const auto& v : verdicts.verdicts) decided.push_back(make_result(ctx.matrix, cell, v, boot));
    write_test_logs(cell_dir, ctx.run_dir, run.record.agent, decided);
    for (const auto& r : decided)
      spdlog::info("[{}] {} {}{} ({:.1f} s): {}", cell.id(), r.test, to_string(r.verdict), r.as_expected ? "" : " (unexpected)",
                   r.duration_s, r.evidence);
    result.tests.insert(result.tests.end(), decided.begin(), decided.end());
    if (decided.empty() && !verdicts.not_run.empty()) {
      // The agent booted but started nothing: another boot would do the same.
      for (const auto& test : verdicts.not_run)
        result.tests.push_back(make_result(
            ctx.matrix, cell, TestVerdict{test, Verdict::kError, "the agent booted but never started this test"}, boot));
      verdicts.not_run.clear();
    }
    remaining = verdicts.not_run;
    if (on_progress) {
      CellResult snapshot = result;
      snapshot.tests = in_cell_order(cell, result.tests);
      on_progress(snapshot);
    }
    if (ctx.stop && *ctx.stop) {
      remaining.clear();  // unstarted tests keep no verdict
      break;
    }
  }
  for (const auto& test : remaining)
    result.tests.push_back(make_result(ctx.matrix, cell, TestVerdict{test, Verdict::kError, "boot budget exhausted"}, 0));
  // Report in the cell's declared order whatever order boots decided them in.
  result.tests = in_cell_order(cell, result.tests);
  return result;
}

}  // namespace kmx
