#include "analysis/test_history.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

#include "text/text_escape.h"

namespace kmx {
namespace {

// started_at is ISO 8601; the date alone is what a reader wants in a sentence.
std::string date_of(const std::string& started_at) { return started_at.substr(0, 10); }

// Everything history.db holds is shown as crafted text (one_line_text): an
// imported run's evidence or names cannot move the terminal's cursor.
std::string when(const std::string& run, const std::string& started_at) {
  const std::string shown = one_line_text(run, 64);
  return started_at.empty() ? "run " + shown : "run " + shown + " (" + one_line_text(date_of(started_at)) + ")";
}

// A run's rounds as "failed_at/planned", "-" when no round failed.
std::string rounds_of_run(const RunObservation& o) {
  return (o.failed_at ? std::to_string(*o.failed_at) : "-") + "/" + std::to_string(*o.planned);
}

std::string percent(long long part, long long whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", whole > 0 ? 100.0 * static_cast<double>(part) / whole : 0.0);
  return buf;
}

// Where the runs that failed failed: "at round 1" or "between rounds 1 and 21".
std::string failure_rounds(const RoundsSummary& r) {
  if (r.failed_at_min == r.failed_at_max) return "at round " + std::to_string(r.failed_at_min);
  return "between rounds " + std::to_string(r.failed_at_min) + " and " + std::to_string(r.failed_at_max);
}

// A history spans many nights; the last few runs are what a reader compares.
constexpr std::size_t kRunsShown = 10;

void render_observations(std::ostringstream& out, const CellHistory& cell) {
  if (const auto r = cell.rounds()) {
    out << "    rounds: ";
    if (r->runs_failed == 0)
      out << "none failed in " << r->runs << (r->runs == 1 ? " run" : " runs");
    else if (r->runs_failed == r->runs)
      out << "failed " << failure_rounds(*r) << " in " << r->runs_failed << " of " << r->runs << " runs";
    else
      out << "failed " << failure_rounds(*r) << " in " << r->runs_failed << " of " << r->runs << " runs, not at all in "
          << r->runs - r->runs_failed;
    out << "; " << r->passed << "/" << r->planned << " rounds passed (" << percent(r->passed, r->planned) << ")\n";
    std::vector<const RunObservation*> with_rounds;
    for (const auto& o : cell.observations)
      if (o.planned) with_rounds.push_back(&o);
    out << "    failed_at/planned per run:" << (with_rounds.size() > kRunsShown ? " ..." : "");
    for (std::size_t i = with_rounds.size() > kRunsShown ? with_rounds.size() - kRunsShown : 0; i < with_rounds.size();
         ++i)
      out << " " << one_line_text(with_rounds[i]->run, 64) << " " << rounds_of_run(*with_rounds[i])
          << (i + 1 < with_rounds.size() ? "," : "");
    out << "\n";
  }
  const RunObservation* lowest = nullptr;
  for (const auto& o : cell.observations)
    if (o.min_available_kib && (!lowest || *o.min_available_kib < *lowest->min_available_kib)) lowest = &o;
  if (lowest)
    out << "    lowest MemAvailable: " << *lowest->min_available_kib << " KiB in run " << one_line_text(lowest->run, 64)
        << "\n";
}

nlohmann::json optional_json(const std::optional<long long>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

std::optional<RoundsSummary> CellHistory::rounds() const {
  RoundsSummary r;
  for (const auto& o : observations) {
    if (!o.planned) continue;
    ++r.runs;
    r.planned += *o.planned;
    r.passed += o.passed.value_or(0);
    if (!o.failed_at) continue;
    r.failed_at_min = r.runs_failed ? std::min(r.failed_at_min, *o.failed_at) : *o.failed_at;
    r.failed_at_max = r.runs_failed ? std::max(r.failed_at_max, *o.failed_at) : *o.failed_at;
    ++r.runs_failed;
  }
  if (r.runs == 0) return std::nullopt;
  return r;
}

TestHistory summarize_test_history(const std::string& test, const std::vector<RecordedVerdict>& timeline) {
  TestHistory history;
  history.test = test;
  for (const auto& v : timeline) {
    if (history.cells.empty() || history.cells.back().cell != v.cell) history.cells.push_back({v.cell, {}});
    auto& spans = history.cells.back().spans;
    if (spans.empty() || spans.back().verdict != v.verdict)
      spans.push_back({v.verdict, v.run_id, v.started_at, v.run_id, v.started_at, 0, ""});
    auto& span = spans.back();
    span.last_run = v.run_id;
    span.last_started_at = v.started_at;
    span.last_evidence = v.evidence;
    ++span.runs;
    if (v.iterations_planned || v.min_available_kib)
      history.cells.back().observations.push_back(
          {v.run_id, v.iterations_planned, v.iterations_passed, v.iterations_failed_at, v.min_available_kib});
  }
  return history;
}

std::vector<RecordedVerdict> in_window(std::vector<RecordedVerdict> timeline, const HistoryWindow& window) {
  std::set<std::pair<std::string, std::string>> runs;  // started_at, run id: in start order
  for (const auto& v : timeline)
    if (window.since.empty() || v.started_at >= window.since) runs.insert({v.started_at, v.run_id});
  while (window.last_runs > 0 && runs.size() > static_cast<std::size_t>(window.last_runs)) runs.erase(runs.begin());
  std::erase_if(timeline, [&](const RecordedVerdict& v) { return !runs.contains({v.started_at, v.run_id}); });
  return timeline;
}

TestHistory query_test_history(const HistoryStore& store, const TimelineFilter& filter) {
  return summarize_test_history(filter.test, in_window(store.verdict_timeline(filter), filter.window));
}

int CellHistory::runs() const {
  int n = 0;
  for (const auto& s : spans) n += s.runs;
  return n;
}

int CellHistory::passed() const {
  int n = 0;
  for (const auto& s : spans) n += s.verdict == Verdict::kPass ? s.runs : 0;
  return n;
}

FailureRate CellHistory::failure_rate() const {
  std::vector<Verdict> verdicts;
  for (const auto& s : spans) verdicts.insert(verdicts.end(), static_cast<std::size_t>(std::max(0, s.runs)), s.verdict);
  return failure_rate_of(verdicts);
}

std::string render_test_history_text(const TestHistory& history) {
  std::ostringstream out;
  if (history.cells.empty()) {
    out << one_line_text(history.test) << ": no recorded verdicts\n";
    return out.str();
  }
  for (const auto& cell : history.cells) {
    out << one_line_text(history.test) << " on " << one_line_text(cell.cell.label()) << ": ";
    const auto& spans = cell.spans;
    if (spans.size() == 1) {
      const auto& s = spans.front();
      out << to_string(s.verdict) << " in " << s.runs << (s.runs == 1 ? " run" : " runs") << " ("
          << when(s.first_run, s.first_started_at);
      if (s.runs > 1) out << " .. " << when(s.last_run, s.last_started_at);
      out << ")\n";
      render_observations(out, cell);
      continue;
    }
    for (std::size_t i = 0; i < spans.size(); ++i) {
      const auto& s = spans[i];
      if (i) out << ", ";
      if (i + 1 == spans.size())
        out << to_string(s.verdict) << " since " << when(s.first_run, s.first_started_at);
      else if (i == 0)
        out << to_string(s.verdict) << " until " << when(s.last_run, s.last_started_at);
      else
        out << to_string(s.verdict) << " from " << when(s.first_run, s.first_started_at) << " until "
            << when(s.last_run, s.last_started_at);
    }
    out << "\n";
    if (!spans.back().last_evidence.empty())
      out << "    latest evidence: " << one_line_text(spans.back().last_evidence) << "\n";
    out << "    pass rate " << cell.passed() << "/" << cell.runs() << " (" << percent(cell.passed(), cell.runs())
        << "), " << cell.flips() << (cell.flips() == 1 ? " flip" : " flips") << "; failure rate "
        << rate_text(cell.failure_rate()) << "\n";
    render_observations(out, cell);
  }
  return out.str();
}

nlohmann::json test_history_to_json(const TestHistory& history) {
  nlohmann::json cells = nlohmann::json::array();
  for (const auto& cell : history.cells) {
    nlohmann::json spans = nlohmann::json::array();
    for (const auto& s : cell.spans)
      spans.push_back({{"verdict", to_string(s.verdict)},
                       {"first_run", s.first_run},
                       {"first_started_at", s.first_started_at},
                       {"last_run", s.last_run},
                       {"last_started_at", s.last_started_at},
                       {"runs", s.runs},
                       {"last_evidence", s.last_evidence}});
    cells.push_back({{"kernel", cell.cell.kernel},
                     {"kmod", cell.cell.kmod},
                     {"vcpus", cell.cell.vcpus},
                     {"memory_mib", cell.cell.memory_mib},
                     {"spans", spans},
                     {"runs", cell.runs()},
                     {"passed", cell.passed()},
                     {"flips", cell.flips()},
                     {"failure_rate", failure_rate_json(cell.failure_rate())}});
    if (const auto r = cell.rounds())
      cells.back()["rounds"] = {{"runs", r->runs},
                                {"runs_failed", r->runs_failed},
                                {"failed_at_min", r->runs_failed ? nlohmann::json(r->failed_at_min) : nullptr},
                                {"failed_at_max", r->runs_failed ? nlohmann::json(r->failed_at_max) : nullptr},
                                {"passed", r->passed},
                                {"planned", r->planned}};
    if (!cell.observations.empty()) {
      nlohmann::json observations = nlohmann::json::array();
      for (const auto& o : cell.observations)
        observations.push_back({{"run", o.run},
                                {"planned", optional_json(o.planned)},
                                {"passed", optional_json(o.passed)},
                                {"failed_at", optional_json(o.failed_at)},
                                {"min_available_kib", optional_json(o.min_available_kib)}});
      cells.back()["observations"] = observations;
    }
  }
  return {{"test", history.test}, {"cells", cells}};
}

}  // namespace kmx
