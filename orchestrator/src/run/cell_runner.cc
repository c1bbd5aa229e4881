#include "run/cell_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "os/files.h"
#include "run/boot_session.h"
#include "verdict/boot_classifier.h"
#include "vm/domain_name.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

std::string_view boot_end_name(BootEnd end) {
  switch (end) {
    case BootEnd::kPoweredOff:
      return "stopped";
    case BootEnd::kStartFailed:
      return "start-failed";
    case BootEnd::kBootTimeout:
      return "boot-timeout";
    case BootEnd::kTestTimeout:
      return "test-timeout";
    case BootEnd::kInterrupted:
      return "interrupted";
    case BootEnd::kOutputFlood:
      return "output-flood";
    case BootEnd::kLifetimeCap:
      return "lifetime-cap";
    case BootEnd::kOomGrace:
      return "oom-grace";
    case BootEnd::kHostLost:
      return "host-lost";
  }
  return "unknown";
}

// The ports whose cap the guest exceeded: the host kept the cap's worth.
std::map<std::string, ByteCut> truncation(const BootRun& run, const VmSpec& spec) {
  std::map<std::string, ByteCut> cut;
  auto add = [&](const char* port, std::size_t total, std::size_t cap) {
    if (total > cap) cut[port] = {cap, total - cap};
  };
  add("console", run.console_bytes, spec.console_max_bytes);
  add("agent", run.agent_bytes, spec.agent_max_bytes);
  return cut;
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
  r.rounds = matrix.rounds_for(v.test);
  r.details = v.details;
  r.known_issue = known_issue_for(matrix, cell, v.test);
  return r;
}

void write_test_logs(const fs::path& cell_dir, const fs::path& run_dir, const AgentLog& agent,
                     std::vector<TestResult>& results, const std::string& suffix) {
  for (auto& r : results) {
    if (!agent.output.count(r.test)) continue;
    std::string text;
    for (const auto& line : agent.output_lines(r.test)) text += line + "\n";
    const fs::path path = path_under(cell_dir, fs::path("tests") / (test_file_name(r.test) + suffix + ".log"));
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

namespace {

std::vector<TestResult> in_cell_order(const Cell& cell, const std::vector<TestResult>& tests) {
  std::vector<TestResult> ordered;
  for (const auto& test : cell.tests)
    for (const auto& r : tests)
      if (r.test == test) ordered.push_back(r);
  return ordered;
}

fs::path cell_dir(const CellContext& ctx, const Cell& cell) {
  return path_under(ctx.run_dir, fs::path("cells") / cell.id());
}

std::vector<std::string> undecided_tests(const Cell& cell, const CellResult& so_far) {
  std::vector<std::string> undecided;
  for (const auto& test : cell.tests)
    if (std::none_of(so_far.tests.begin(), so_far.tests.end(), [&](const TestResult& r) { return r.test == test; }))
      undecided.push_back(test);
  return undecided;
}

}  // namespace

// Under TCG the bzImage's decompressor took 5-6 s of every boot; the kernel
// it carries, started at its PVH entry, is the same kernel. Under KVM the
// decompression costs a fraction of a second, and the bzImage keeps its own
// boot path (KASLR among it), as it does under TCG with pvh_boot = false.
std::filesystem::path kernel_to_boot(const Image& image, Accel accel, bool pvh_boot) {
  return pvh_boot && accel == Accel::kTcg && !image.pvh_kernel.empty() ? image.pvh_kernel : image.vmlinuz;
}

VmSpec boot_spec(const CellContext& ctx, const Cell& cell, const Image& image, const std::vector<std::string>& tests,
                 int boot) {
  auto timeout_for = [&](const std::string& test) { return ctx.matrix.timeouts.for_test(test); };
  auto rounds_for = [&](const std::string& test) { return ctx.matrix.rounds_for(test); };
  const fs::path boot_dir = cell_dir(ctx, cell) / ("boot-" + std::to_string(boot));
  return VmSpec{domain_name(ctx.owner_pid, ctx.run_id, cell.index, boot),
                ctx.accel,
                cell.vcpus,
                cell.memory_mib,
                kernel_to_boot(image, ctx.accel, ctx.matrix.pvh_boot),
                image.initrd,
                guest_cmdline(tests, timeout_for, rounds_for),
                boot_dir / "console.log",
                boot_dir / "agent.log",
                ctx.matrix.limits.console_max_bytes,
                ctx.matrix.limits.agent_max_bytes};
}

std::optional<VmSpec> first_boot_spec(const CellContext& ctx, const Cell& cell, const Image& image,
                                      const CellResult& previous) {
  const std::vector<std::string> tests = undecided_tests(cell, previous);
  if (tests.empty()) return std::nullopt;
  return boot_spec(ctx, cell, image, tests, static_cast<int>(previous.boots.size()) + 1);
}

CellResult with_undecided_as_error(const Matrix& matrix, const Cell& cell, CellResult so_far,
                                   const std::string& evidence) {
  so_far.cell = cell;
  for (const auto& test : undecided_tests(cell, so_far))
    so_far.tests.push_back(make_result(matrix, cell, TestVerdict{test, Verdict::kError, evidence}, 0));
  so_far.tests = in_cell_order(cell, so_far.tests);
  return so_far;
}

CellResult failed_cell(const Matrix& matrix, const Cell& cell, const std::string& cause) {
  return with_undecided_as_error(matrix, cell, CellResult{}, "image: " + cause);
}

namespace {

// One cell's run: first every test without a verdict, then reruns of the
// unexpected ones (flake detection, infrastructure retries).
class CellRun {
 public:
  CellRun(const CellContext& ctx, const Cell& cell, const Image& image, const CellResult& previous,
          const std::function<void(const CellResult&)>& on_progress)
      : ctx_(ctx), cell_(cell), image_(image), on_progress_(on_progress), result_(previous) {
    result_.cell = cell;
    result_.image_id = image.id;
    result_.test_modules_built_against = image.test_modules_built_against;
    result_.kernel_package = image.kernel_package;
    result_.kernel_debian_version = image.kernel_package_version;
    result_.kmod_build = image.kmod_build;
    result_.tests = in_cell_order(cell, previous.tests);  // drops tests the matrix no longer has
    next_boot_ = static_cast<int>(previous.boots.size()) + 1;
  }

  // Whatever a boot, a write or a bug throws ends this cell, not the run: its
  // undecided tests are ERROR with the exception's text (a full disk is the
  // run's problem and goes up).
  CellResult run() {
    try {
      cell_dir_ = cell_dir(ctx_, cell_);
      const std::vector<std::string> remaining = undecided_tests(cell_, result_);
      result_.host = ctx_.host;
      for (auto& r : run_batch(remaining, "")) result_.tests.push_back(r);
      if (!host_lost()) rerun_unexpected(remaining);
    } catch (const std::exception& e) {
      if (is_out_of_space(e)) throw;
      fail_undecided(e.what());
    } catch (...) {
      fail_undecided("an exception that is not a std::exception");
    }
    result_.tests = in_cell_order(cell_, result_.tests);
    return result_;
  }

 private:
  void fail_undecided(const std::string& cause) {
    spdlog::error("[{}] {}; its undecided tests are ERROR", cell_.id(), cause);
    for (const auto& r : batch_)  // decided in the batch that was cut short
      if (!find(r.test)) result_.tests.push_back(r);
    result_ = with_undecided_as_error(ctx_.matrix, cell_, result_, "harness error: " + cause);
  }

  TestResult* find(const std::string& test) {
    for (auto& r : result_.tests)
      if (r.test == test) return &r;
    return nullptr;
  }

  bool stopped() const { return ctx_.stop && *ctx_.stop; }
  bool host_lost() const { return ctx_.host_lost && *ctx_.host_lost; }

  int rerun_limit(const TestResult& r) const {
    return r.verdict == Verdict::kError ? ctx_.max_infra_retries : ctx_.matrix.reruns;
  }

  // Reruns what this invocation decided unexpectedly, up to each verdict's
  // limit. ERROR is replaced by what a retry shows; anything else that then
  // meets its expectation becomes FLAKY.
  void rerun_unexpected(const std::vector<std::string>& decided_now) {
    std::map<std::string, int> reruns;
    for (int round = 1; !stopped() && !host_lost(); ++round) {
      std::vector<std::string> again;
      for (const auto& test : decided_now)
        if (TestResult* r = find(test);
            r && !r->as_expected && r->verdict != Verdict::kFlaky && reruns[test] < rerun_limit(*r))
          again.push_back(test);
      if (again.empty()) return;
      for (const auto& test : again) ++reruns[test];
      spdlog::info("[{}] rerun {} of {} unexpected test(s)", cell_.id(), round, again.size());
      for (const auto& fresh : run_batch(again, ".rerun-" + std::to_string(round)))
        merge_rerun(*find(fresh.test), fresh, round);
      publish();
    }
  }

  void merge_rerun(TestResult& first, const TestResult& fresh, int round) {
    const std::string tag = "rerun " + std::to_string(round);
    if (first.verdict == Verdict::kError) {
      const std::string cause = first.evidence;
      first = fresh;
      first.evidence += " (" + tag + " after ERROR: " + cause + ")";
    } else if (fresh.as_expected) {
      const Expected expected = expected_for(ctx_.matrix, cell_, first.test);
      first.evidence = std::string(to_string(first.verdict)) + " then " + std::string(to_string(fresh.verdict)) +
                       " on " + tag + "; first: " + first.evidence;
      first.verdict = Verdict::kFlaky;
      first.as_expected = expected.matches(Verdict::kFlaky);
    } else {
      first.evidence += "; " + tag + ": " + std::string(to_string(fresh.verdict));
    }
  }

  // Reports the cell so far, with `pending` (decided but not yet merged).
  void publish(const std::vector<TestResult>& pending = {}) {
    if (!on_progress_) return;
    CellResult snapshot = result_;
    snapshot.tests.insert(snapshot.tests.end(), pending.begin(), pending.end());
    snapshot.tests = in_cell_order(cell_, snapshot.tests);
    on_progress_(snapshot);
  }

  // Runs tests to verdicts across as many boots as crashes demand.
  std::vector<TestResult> run_batch(std::vector<std::string> remaining, const std::string& log_suffix) {
    std::vector<TestResult>& decided_all = batch_;
    decided_all.clear();
    int start_failures = 0;
    // Every boot either decides a test or is a start failure: this bounds the loop.
    const int last_boot = next_boot_ + static_cast<int>(remaining.size()) + ctx_.max_start_attempts - 1;
    while (!remaining.empty() && next_boot_ <= last_boot) {
      const int boot = next_boot_++;
      BootRun run = boot_once(remaining, boot);
      if (run.record.end == BootEnd::kHostLost) {
        if (ctx_.host_lost) *ctx_.host_lost = true;
        spdlog::warn("[{}] boot {}: {} ({})", cell_.id(), boot, run.record.end_detail, ctx_.host);
      }
      if (run.record.end == BootEnd::kStartFailed && ++start_failures < ctx_.max_start_attempts) {
        spdlog::warn("[{}] {}; retrying ({}/{})", cell_.id(), run.record.end_detail, start_failures,
                     ctx_.max_start_attempts);
        continue;
      }
      BootVerdicts verdicts = classify_boot(run.record);
      std::vector<TestResult> decided;
      for (const auto& v : verdicts.verdicts) {
        decided.push_back(make_result(ctx_.matrix, cell_, v, boot));
        if (!v.hang_dump.empty()) keep_hang_dump(decided.back(), v.hang_dump, log_suffix);
      }
      write_test_logs(cell_dir_, ctx_.run_dir, run.record.agent, decided, log_suffix);
      for (const auto& r : decided)
        spdlog::info("[{}] {} {}{} ({:.1f} s): {}", cell_.id(), r.test, to_string(r.verdict),
                     r.as_expected ? "" : " (unexpected)", r.duration_s, r.evidence);
      if (decided.empty() && !verdicts.not_run.empty() && !host_lost() && !stopped()) {
        // The agent booted but started nothing: another boot would do the same.
        for (const auto& test : verdicts.not_run)
          decided.push_back(
              make_result(ctx_.matrix, cell_,
                          TestVerdict{test, Verdict::kError, "the agent booted but never started this test"}, boot));
        verdicts.not_run.clear();
      }
      decided_all.insert(decided_all.end(), decided.begin(), decided.end());
      remaining = verdicts.not_run;
      if (log_suffix.empty()) publish(decided_all);
      if (stopped() || host_lost()) return decided_all;  // unstarted tests keep no verdict
    }
    for (const auto& test : remaining)
      decided_all.push_back(
          make_result(ctx_.matrix, cell_, TestVerdict{test, Verdict::kError, "boot budget exhausted"}, 0));
    return decided_all;
  }

  // tests/<id>.hang.txt, named in the test's details beside its first blocked stack.
  void keep_hang_dump(TestResult& r, const std::string& dump, const std::string& suffix) {
    const fs::path path = path_under(cell_dir_, fs::path("tests") / (test_file_name(r.test) + suffix + ".hang.txt"));
    write_file_atomically(path, dump);
    if (!r.details.hang) r.details.hang.emplace();
    r.details.hang->dump = fs::relative(path, ctx_.run_dir).string();
  }

  // The matrix's rounds where it sets them, else kmod.sh's own count.
  std::map<std::string, int> planned_rounds(const std::vector<std::string>& tests) const {
    std::map<std::string, int> planned;
    for (const auto& test : tests) {
      int rounds = ctx_.matrix.rounds_for(test);
      if (auto it = image_.kmod_rounds.find(test); rounds <= 0 && it != image_.kmod_rounds.end()) rounds = it->second;
      if (rounds > 0) planned[test] = rounds;
    }
    return planned;
  }

  BootRun boot_once(const std::vector<std::string>& tests, int boot) {
    auto timeout_for = [this](const std::string& test) { return ctx_.matrix.timeouts.for_test(test); };
    BootPlan plan;
    plan.spec = boot_spec(ctx_, cell_, image_, tests, boot);
    fs::create_directories(plan.spec.console_log.parent_path());
    plan.tests = tests;
    plan.test_timeout_s = timeout_for;
    plan.boot_timeout_s = ctx_.matrix.timeouts.boot_s;
    plan.host_grace_s = ctx_.host_grace_s;
    plan.stop = ctx_.stop;
    plan.timings = ctx_.timings;
    plan.planned_rounds = planned_rounds(tests);
    spdlog::info("[{}] boot {}{}: {} test(s), {} vCPU, {} MiB, {}", cell_.id(), boot,
                 ctx_.host.empty() ? "" : " on " + ctx_.host, tests.size(), cell_.vcpus, cell_.memory_mib,
                 to_string(ctx_.accel));
    BootRun run = run_boot(ctx_.driver, ctx_.clock, plan,
                           [&](const std::string& test) { spdlog::info("[{}] {} finished", cell_.id(), test); });
    BootSummary summary{boot,
                        plan.spec.name,
                        run.boot_seconds,
                        run.wall_seconds,
                        std::string(boot_end_name(run.record.end)),
                        run.record.end_detail,
                        fs::relative(plan.spec.console_log, ctx_.run_dir).string(),
                        fs::relative(plan.spec.agent_log, ctx_.run_dir).string(),
                        run.record.agent.garbage_lines,
                        run.record.agent.garbage_samples,
                        {},
                        truncation(run, plan.spec),
                        ctx_.host};
    if (const auto& info = run.record.agent.boot) {
      summary.agent_problems = info->problems;
      if (result_.guest_uname.empty()) {
        result_.guest_uname = info->uname;
        result_.guest_kmod_version = info->kmod_version;
      }
      if (info->modprobe_config && result_.guest_modprobe_config.empty())
        record_modprobe_config(*info->modprobe_config);
    }
    result_.boots.push_back(summary);
    return run;
  }

  // The dump goes to a fixed file name in the cell's directory; only its
  // digest and size go into results.json.
  void record_modprobe_config(const BootInfo::ModprobeConfig& config) {
    auto& out = result_.guest_modprobe_config;
    const bool reads_etc = std::count(config.searched_dirs.begin(), config.searched_dirs.end(), "/etc/modprobe.d") > 0;
    out = {{"available", config.available}, {"searched_dirs", config.searched_dirs}};
    if (!config.available) return;
    out["sha256"] = sha256_hex(config.dump);
    out["bytes"] = config.bytes;
    out["truncated"] = config.bytes > config.dump.size();
    write_file_atomically(cell_dir_ / "modprobe-c.txt", config.dump);
    out["dump"] = fs::relative(cell_dir_ / "modprobe-c.txt", ctx_.run_dir).string();
    if (!reads_etc)
      spdlog::warn(
          "[{}] the kmod under test ignores /etc/modprobe.d: verdicts that depend on it are not a "
          "distribution's",
          cell_.id());
  }

  const CellContext& ctx_;
  const Cell& cell_;
  const Image& image_;
  const std::function<void(const CellResult&)>& on_progress_;
  CellResult result_;
  int next_boot_ = 1;
  fs::path cell_dir_;
  std::vector<TestResult> batch_;  // what run_batch decided so far
};

}  // namespace

CellResult run_cell(const CellContext& ctx, const Cell& cell, const Image& image, const CellResult& previous,
                    const std::function<void(const CellResult&)>& on_progress) {
  return CellRun(ctx, cell, image, previous, on_progress).run();
}

}  // namespace kmx
