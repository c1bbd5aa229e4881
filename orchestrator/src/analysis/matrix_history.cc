#include "analysis/matrix_history.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

#include "text/text_escape.h"

namespace kmx {

std::vector<RecordedRun> window_runs(const std::vector<RecordedRun>& runs, const HistoryWindow& window) {
  std::vector<RecordedRun> out;
  for (const auto& r : runs)
    if (window.since.empty() || r.started_at >= window.since) out.push_back(r);
  if (window.last_runs > 0 && out.size() > static_cast<std::size_t>(window.last_runs))
    out.erase(out.begin(), out.end() - window.last_runs);
  return out;
}

MatrixHistory build_matrix_history(const std::string& matrix, const std::vector<RecordedRun>& runs,
                                   const std::vector<RecordedVerdict>& verdicts) {
  MatrixHistory history{matrix, runs, {}};
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < runs.size(); ++i) position[runs[i].run_id] = i;
  std::map<std::tuple<std::string, RecordedCellKey>, TestTrack> tracks;
  for (const auto& v : verdicts) {
    const auto at = position.find(v.run_id);
    if (at == position.end()) continue;
    TestTrack& t = tracks[{v.test, v.cell}];
    if (t.verdicts.empty()) {
      t.test = v.test;
      t.cell = v.cell;
      t.verdicts.resize(runs.size());
      t.evidence.resize(runs.size());
    }
    t.verdicts[at->second] = v.verdict;
    t.evidence[at->second] = v.evidence;
  }
  for (auto& [key, t] : tracks) {
    std::optional<Verdict> last;
    for (std::size_t i = 0; i < t.verdicts.size(); ++i) {
      if (!t.verdicts[i]) continue;
      ++t.ran;
      t.passed += *t.verdicts[i] == Verdict::kPass;
      if (last && *last != *t.verdicts[i]) {
        ++t.flips;
        t.change_began = i;
      }
      last = t.verdicts[i];
    }
    history.tracks.push_back(std::move(t));
  }
  return history;
}

MatrixHistory query_matrix_history(const HistoryStore& store, const std::string& matrix, const HistoryWindow& window) {
  const auto runs = window_runs(store.runs_of_matrix(matrix), window);
  if (runs.empty()) return {matrix, {}, {}};
  return build_matrix_history(matrix, runs, store.matrix_verdicts(matrix, runs.front().started_at));
}

char verdict_letter(const std::optional<Verdict>& verdict) {
  if (!verdict) return '.';
  switch (*verdict) {
    case Verdict::kPass:
      return 'P';
    case Verdict::kFail:
      return 'F';
    case Verdict::kOom:
      return 'O';
    case Verdict::kPanic:
      return 'X';
    case Verdict::kTimeout:
      return 'T';
    case Verdict::kHang:
      return 'H';
    case Verdict::kSkip:
      return 'S';
    case Verdict::kError:
      return 'E';
    case Verdict::kFlaky:
      return '~';
    case Verdict::kMiss:
      return 'M';
  }
  return '?';
}

namespace {

std::string padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string pass_rate(const TestTrack& t) {
  if (t.ran == 0) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%d/%d %3.0f%%", t.passed, t.ran, 100.0 * t.passed / t.ran);
  return buf;
}

std::string date_of(const std::string& started_at) { return one_line_text(started_at.substr(0, 10), 10); }

}  // namespace

FailureRate TestTrack::failure_rate() const {
  std::vector<Verdict> known;
  for (const auto& v : verdicts)
    if (v) known.push_back(*v);
  return failure_rate_of(known);
}

std::string render_matrix_history_text(const MatrixHistory& h) {
  std::ostringstream out;
  if (h.runs.empty()) {
    out << "matrix " << one_line_text(h.matrix) << ": no recorded runs in the window\n";
    return out.str();
  }
  out << "matrix " << one_line_text(h.matrix) << ": " << h.runs.size() << (h.runs.size() == 1 ? " run" : " runs")
      << ", " << date_of(h.runs.front().started_at) << " .. " << date_of(h.runs.back().started_at) << " (runs "
      << one_line_text(h.runs.front().run_id, 64) << " .. " << one_line_text(h.runs.back().run_id, 64) << ")\n";
  out << "verdicts oldest first: P PASS, F FAIL, O OOM, X PANIC, T TIMEOUT, H HANG, S SKIP, E ERROR, ~ FLAKY, "
         "M MISS, . not run\n";
  std::size_t test_width = 4, cell_width = 4;
  for (const auto& t : h.tracks) {
    test_width = std::max(test_width, one_line_text(t.test).size());
    cell_width = std::max(cell_width, one_line_text(t.cell.label()).size());
  }
  out << padded("test", test_width + 1) << padded("cell", cell_width + 1) << padded("pass", 13) << padded("flips", 6)
      << "verdicts\n";
  for (const auto& t : h.tracks) {
    std::string letters;
    for (const auto& v : t.verdicts) letters += verdict_letter(v);
    std::string line = padded(one_line_text(t.test), test_width + 1) +
                       padded(one_line_text(t.cell.label()), cell_width + 1) + padded(pass_rate(t), 13) +
                       padded(std::to_string(t.flips), 6) + letters;
    if (t.change_began) {
      const auto& run = h.runs[*t.change_began];
      line += "  " + std::string(to_string(*t.verdicts[*t.change_began])) + " since " + one_line_text(run.run_id, 64) +
              " (" + date_of(run.started_at) + ")";
    }
    out << line << "\n";
  }
  return out.str();
}

nlohmann::json matrix_history_to_json(const MatrixHistory& h) {
  nlohmann::json runs = nlohmann::json::array(), tracks = nlohmann::json::array();
  for (const auto& r : h.runs) runs.push_back({{"run_id", r.run_id}, {"started_at", r.started_at}});
  for (const auto& t : h.tracks) {
    nlohmann::json verdicts = nlohmann::json::array();
    for (const auto& v : t.verdicts) verdicts.push_back(v ? nlohmann::json(to_string(*v)) : nlohmann::json(nullptr));
    tracks.push_back(
        {{"test", t.test},
         {"kernel", t.cell.kernel},
         {"kmod", t.cell.kmod},
         {"vcpus", t.cell.vcpus},
         {"memory_mib", t.cell.memory_mib},
         {"verdicts", verdicts},
         {"ran", t.ran},
         {"passed", t.passed},
         {"pass_rate", t.ran ? nlohmann::json(double(t.passed) / t.ran) : nlohmann::json(nullptr)},
         {"flips", t.flips},
         {"failure_rate", failure_rate_json(t.failure_rate())},
         {"change_began", t.change_began ? nlohmann::json(h.runs[*t.change_began].run_id) : nlohmann::json(nullptr)}});
  }
  return {{"matrix", h.matrix}, {"runs", runs}, {"tracks", tracks}};
}

}  // namespace kmx
