#include "bisect/step_runner.h"

#include <spdlog/spdlog.h>

namespace kmx {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

bool stopped(const StepContext& ctx) { return ctx.stop && *ctx.stop; }

}  // namespace

RunsResult collect_runs(StepRunner& runner, StepRecord& record, int runs,
                        const std::function<bool(const std::vector<Verdict>&)>& enough, const StepContext& ctx) {
  while (static_cast<int>(record.runs.size()) < runs) {
    if (!record.runs.empty() && enough && enough(record.verdicts())) break;
    if (stopped(ctx)) return {RunsEnd::kStopped, ""};
    const int number = static_cast<int>(record.runs.size()) + 1;
    const auto started = ctx.clock.now();
    std::optional<RunRecord> run;
    try {
      run = runner.run(record.commit, number);
    } catch (const StepBuildError& e) {
      record.seconds += seconds_between(started, ctx.clock.now());
      return {RunsEnd::kDoesNotBuild, e.what()};
    }
    record.seconds += seconds_between(started, ctx.clock.now());
    if (!run) return {RunsEnd::kStopped, ""};
    spdlog::info("{} run {} of {}: {} {}", record.commit.substr(0, 12), number, runs, to_string(run->verdict),
                 first_line(run->evidence));
    record.runs.push_back(*run);
    if (ctx.save) ctx.save();
  }
  return {RunsEnd::kComplete, ""};
}

bool test_step(StepRunner& runner, const Behaviour& behaviour, StepRecord& record, int runs, const StepContext& ctx) {
  if (record.outcome) return true;
  const RunsResult result = collect_runs(
      runner, record, runs, [&](const std::vector<Verdict>& seen) { return decided_early(behaviour, seen); }, ctx);
  if (result.end == RunsEnd::kStopped) return false;
  if (result.end == RunsEnd::kDoesNotBuild) {
    record.outcome = StepOutcome::kSkip;
    record.reason = "the " + ctx.axis + " does not build: " + first_line(result.build_error);
    record.confidence = 1.0;
  } else {
    const StepClass c = classify_step(behaviour, record.verdicts());
    record.outcome = c.outcome;
    record.reason = c.reason;
    record.confidence = c.confidence;
    // A skip says what the harness or the kernel printed.
    if (c.outcome == StepOutcome::kSkip && !record.runs.empty() && !record.runs.front().evidence.empty())
      record.reason += " (first run: " + first_line(record.runs.front().evidence) + ")";
    if (static_cast<int>(record.runs.size()) < runs)
      record.reason += "; stopped after " + std::to_string(record.runs.size()) + " of " + std::to_string(runs) +
                       " runs: more could not change it";
  }
  if (ctx.save) ctx.save();
  return true;
}

}  // namespace kmx
