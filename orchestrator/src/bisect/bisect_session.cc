#include "bisect/bisect_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>
#include <utility>

#include "bisect/culprit_check.h"

namespace kmx {
namespace {

std::string short_sha(const std::string& sha) { return sha.substr(0, 12); }

bool stopped(const StepContext& ctx) { return ctx.stop && *ctx.stop; }

}  // namespace

std::string format_duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  if (s < 60) return std::to_string(s) + "s";
  char buf[32];
  if (s < 3600)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  return buf;
}

void BisectSession::save() const {
  if (ctx_.save) ctx_.save();
}

StepRecord& BisectSession::record_for(const std::string& commit, const std::string& role) {
  if (StepRecord* existing = state_.find(commit)) return *existing;
  state_.steps.push_back(StepRecord{commit, repo_.subject(commit), role, {}, std::nullopt, "", 1.0, 0});
  return state_.steps.back();
}

Behaviour BisectSession::behaviour() const {
  const StepRecord* old_end = state_.find(state_.old_commit);
  const StepRecord* new_end = state_.find(state_.new_commit);
  return behaviour_from(old_end ? old_end->verdicts() : std::vector<Verdict>{},
                        new_end ? new_end->verdicts() : std::vector<Verdict>{});
}

void BisectSession::fail(const std::string& failure, const std::string& message) {
  state_.status = BisectStatus::kFailed;
  state_.failure = failure;
  state_.message = message;
  spdlog::error("bisect: {}", message);
  save();
}

bool BisectSession::run_ends() {
  for (const auto& [role, ref, commit] :
       {std::tuple{"old", state_.old_ref, state_.old_commit}, std::tuple{"new", state_.new_ref, state_.new_commit}}) {
    StepRecord& end = record_for(commit, role);
    if (end.outcome) continue;
    const std::string what = std::string("the ") + role + " end " + ref + " (" + short_sha(commit) + ")";
    spdlog::info("bisect: testing {} {} time(s)", what, state_.end_runs);
    const RunsResult result = collect_runs(runner_, end, state_.end_runs, {}, ctx_);
    if (result.end == RunsEnd::kStopped) return false;
    if (result.end == RunsEnd::kDoesNotBuild) {
      fail("end-does-not-build", what + " does not build: " + result.build_error +
                                     "\n  fix: pick an end that builds; the bisection only skips commits between them");
      return false;
    }
    const auto verdicts = end.verdicts();
    if (std::all_of(verdicts.begin(), verdicts.end(), [](Verdict v) { return v == Verdict::kError; })) {
      fail("end-error", what + " could not be tested: " + describe_runs(verdicts) + " (" +
                            (end.runs.empty() ? "" : end.runs.front().evidence) +
                            ")\n  fix: look at its run directory, then bisect --resume " + state_.bisect_id);
      end.runs.clear();  // a resume tests this end afresh
      save();
      return false;
    }
    end.outcome = std::string(role) == "old" ? StepOutcome::kOld : StepOutcome::kNew;
    end.reason = describe_runs(verdicts);
    save();
    spdlog::info("bisect: {}: {}", what, end.reason);
  }
  const Behaviour b = behaviour();
  if (!b.differs()) {
    fail("ends-agree", state_.old_ref + " (" + describe_runs(state_.find(state_.old_commit)->verdicts()) + ") and " +
                           state_.new_ref + " (" + describe_runs(state_.find(state_.new_commit)->verdicts()) +
                           ") gave the same verdicts for " + state_.test +
                           ": nothing to bisect\n  fix: check the test and the ends; with a flaky test, "
                           "more runs at the ends (--runs) may show the difference");
    return false;
  }
  return true;
}

void BisectSession::log_progress(const std::vector<std::string>& line, const Bisection& bisection,
                                 std::size_t next) const {
  int done = 0;
  double total_s = 0, last_s = 0;
  for (const auto& s : state_.steps)
    if (s.role == "step" && s.outcome) {
      ++done;
      total_s += s.seconds;
      last_s = s.seconds;
    }
  const Bisection::Range r = bisection.range();
  const std::string after = r.first > 0 ? short_sha(line[r.first - 1]) : "the old side";
  std::string timing;
  if (done > 0)
    timing = "; last step " + format_duration(last_s) + ", " + format_duration(total_s / done) + " on average";
  spdlog::info("bisect: step {} of about {}: {} {} ({} untested commits after {} up to {}{})", done + 1,
               done + bisection.steps_left(), short_sha(line[next]), repo_.subject(line[next]), bisection.untested(),
               after, short_sha(line[r.last]), timing);
}

bool BisectSession::bisect_line(const std::vector<std::string>& line, Bisection& bisection) {
  const Behaviour b = behaviour();
  for (std::size_t i = 0; i < line.size(); ++i)
    if (const StepRecord* s = state_.find(line[i]); s && s->outcome) bisection.record(i, *s->outcome);
  while (auto next = bisection.next()) {
    log_progress(line, bisection, *next);
    StepRecord& step = record_for(line[*next], "step");
    if (!test_step(runner_, b, step, state_.runs, ctx_)) return false;
    spdlog::info("bisect: {} is {}: {}", short_sha(step.commit), to_string(*step.outcome), step.reason);
    bisection.record(*next, *step.outcome);
  }
  return true;
}

void BisectSession::finish(const std::vector<std::string>& line, const Bisection::Range& range) {
  double confidence = 1.0;
  for (const auto& s : state_.steps)
    if (s.role == "step" && s.outcome && *s.outcome != StepOutcome::kSkip) confidence *= s.confidence;
  state_.confidence = confidence;
  if (range.found()) {
    state_.status = BisectStatus::kFound;
    state_.commit = line[range.first];
    state_.subject = repo_.subject(state_.commit);
    save();
    verify_culprit();
    return;
  } else {
    state_.status = BisectStatus::kRange;
    state_.range.assign(line.begin() + static_cast<std::ptrdiff_t>(range.first),
                        line.begin() + static_cast<std::ptrdiff_t>(range.last) + 1);
    if (range.first > 0) {
      state_.range_after = line[range.first - 1];
    } else {
      const auto parents = repo_.parents(line.front());
      state_.range_after = parents.empty() ? "" : parents.front();
    }
  }
  save();
}

bool BisectSession::verify_culprit() {
  const std::vector<std::string> parents = repo_.parents(state_.commit);
  if (parents.empty()) return true;
  const std::string& parent = parents.front();
  const Behaviour b = behaviour();
  for (const auto& [commit, role] : {std::pair{parent, "the parent"}, std::pair{state_.commit, "the culprit"}}) {
    StepRecord& record = record_for(commit, "verify");
    spdlog::info("bisect: verifying: {} {} to {} runs", role, short_sha(commit), kVerifyRuns);
    const RunsResult r = collect_runs(runner_, record, kVerifyRuns, {}, ctx_);
    if (r.end == RunsEnd::kStopped) return false;
  }
  const CulpritCheck check = check_culprit(b, state_.find(parent)->verdicts(), state_.find(state_.commit)->verdicts(),
                                           repo_.changed_files(parent, state_.commit));
  state_.verification = check.note;
  state_.reproduced = check.reproduced;
  state_.confidence *= check.confidence;  // the steps' confidence, times the verification's
  spdlog::log(check.reproduced ? spdlog::level::info : spdlog::level::warn, "bisect: {}", check.note);
  save();
  return true;
}

void BisectSession::run() {
  if (state_.status == BisectStatus::kFound && state_.verification.empty()) {
    verify_culprit();  // a bisection found before it was verified (stopped, or an older kmod-matrix)
    return;
  }
  if (state_.status != BisectStatus::kRunning) return;
  if (!run_ends()) return;
  if (state_.runs == 0) {
    const Behaviour b = behaviour();
    state_.runs = default_runs(b);
    spdlog::info(
        "bisect: {} run(s) per step (the new end's marks showed in {:.0f}% of its runs, the old end's in "
        "{:.0f}%)",
        state_.runs, 100 * b.mark_rate(StepOutcome::kNew), 100 * b.mark_rate(StepOutcome::kOld));
    save();
  }
  std::vector<std::string> line = repo_.first_parent_line(state_.new_commit, state_.old_commit);
  if (line.empty()) return fail("no-commits", state_.new_ref + " holds no commit that " + state_.old_ref + " lacks");
  std::string merge;  // set while `line` is the commits a merge brought in, the merge last
  for (;;) {
    spdlog::info("bisect: {} commits to search, about {} steps", line.size(),
                 static_cast<int>(std::ceil(std::log2(static_cast<double>(line.size())))));
    Bisection bisection(line.size());
    if (!bisect_line(line, bisection)) return;  // stopped
    if (bisection.contradicted()) {
      const std::string note = "an old step came after a new one before " + short_sha(line.back()) +
                               ": the behaviour flips back and forth; more --runs or a narrower range may tell";
      if (state_.message.find(note) == std::string::npos) state_.message += (state_.message.empty() ? "" : "; ") + note;
    }
    const Bisection::Range range = bisection.range();
    const std::string first = line[range.first];  // a copy: `line` is replaced below
    if (range.found() && first != merge) {
      const std::vector<std::string> parents = repo_.parents(first);
      if (parents.size() == 2) {
        std::vector<std::string> merged = repo_.first_parent_line(parents[1], parents[0]);
        if (!merged.empty()) {
          spdlog::info("bisect: the first new commit on the line is merge {} ({}); bisecting the {} commits it merged",
                       short_sha(first), repo_.subject(first), merged.size());
          merged.push_back(first);
          line = std::move(merged);
          merge = first;
          continue;
        }
      }
    }
    if (stopped(ctx_)) return;
    return finish(line, range);
  }
}

}  // namespace kmx
