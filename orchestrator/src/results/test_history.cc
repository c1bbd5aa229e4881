#include "results/test_history.h"

#include <sstream>

namespace kmx {
namespace {

// started_at is ISO 8601; the date alone is what a reader wants in a sentence.
std::string date_of(const std::string& started_at) { return started_at.substr(0, 10); }

std::string when(const std::string& run, const std::string& started_at) {
  return started_at.empty() ? "run " + run : "run " + run + " (" + date_of(started_at) + ")";
}

}  // namespace

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
  }
  return history;
}

TestHistory query_test_history(const HistoryStore& store, const TimelineFilter& filter) {
  return summarize_test_history(filter.test, store.verdict_timeline(filter));
}

std::string render_test_history_text(const TestHistory& history) {
  std::ostringstream out;
  if (history.cells.empty()) {
    out << history.test << ": no recorded verdicts\n";
    return out.str();
  }
  for (const auto& cell : history.cells) {
    out << history.test << " on " << cell.cell.label() << ": ";
    const auto& spans = cell.spans;
    if (spans.size() == 1) {
      const auto& s = spans.front();
      out << to_string(s.verdict) << " in " << s.runs << (s.runs == 1 ? " run" : " runs") << " ("
          << when(s.first_run, s.first_started_at);
      if (s.runs > 1) out << " .. " << when(s.last_run, s.last_started_at);
      out << ")\n";
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
    if (!spans.back().last_evidence.empty()) out << "    latest evidence: " << spans.back().last_evidence << "\n";
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
                     {"spans", spans}});
  }
  return {{"test", history.test}, {"cells", cells}};
}

}  // namespace kmx
