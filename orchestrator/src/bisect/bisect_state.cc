#include "bisect/bisect_state.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "bisect/step_classifier.h"
#include "matrix/matrix.h"
#include "os/capped_json.h"
#include "os/clock.h"
#include "os/contained_files.h"
#include "os/files.h"
#include "text/text_escape.h"

namespace kmx {
namespace {

using nlohmann::json;

constexpr const char* kStateFile = "bisect.json";
constexpr const char* kLogFile = "bisect.log";
// A bisection of thousands of steps writes well under a MiB.
constexpr std::size_t kMaxBisectStateBytes = std::size_t{16} << 20;

json counts_json(const std::map<Verdict, int>& counts) {
  json out = json::object();
  for (const auto& [v, n] : counts) out[std::string(to_string(v))] = n;
  return out;
}

}  // namespace

json to_json(const StepRecord& s) {
  json runs = json::array();
  std::map<Verdict, int> counts;
  for (const auto& r : s.runs) {
    ++counts[r.verdict];
    json run = {{"verdict", to_string(r.verdict)},
                {"evidence", r.evidence},
                {"run_dir", r.run_dir},
                {"duration_s", r.duration_s}};
    if (r.rounds > 0) run["rounds"] = r.rounds;
    runs.push_back(run);
  }
  return {{"commit", s.commit},   {"subject", s.subject},
          {"role", s.role},       {"outcome", s.outcome ? json(std::string(to_string(*s.outcome))) : json(nullptr)},
          {"reason", s.reason},   {"confidence", s.confidence},
          {"seconds", s.seconds}, {"verdicts", counts_json(counts)},
          {"runs", runs}};
}

namespace {

const json& required(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) throw std::runtime_error(std::string("bisect.json has no '") + key + "'");
  return *it;
}

Verdict verdict_of(const json& run) {
  const auto v = parse_verdict(run.value("verdict", ""));
  if (!v) throw std::runtime_error("bisect.json: a run has no valid verdict");
  return *v;
}

StepRecord step_from(const json& j) {
  StepRecord s;
  s.commit = required(j, "commit").get<std::string>();
  s.subject = j.value("subject", "");
  s.role = j.value("role", "step");
  if (auto o = j.find("outcome"); o != j.end() && o->is_string()) {
    s.outcome = parse_step_outcome(o->get<std::string>());
    if (!s.outcome) throw std::runtime_error("bisect.json: step " + s.commit + " has an unknown outcome");
  }
  s.reason = j.value("reason", "");
  s.confidence = j.value("confidence", 1.0);
  s.seconds = j.value("seconds", 0.0);
  for (const auto& r : j.value("runs", json::array()))
    s.runs.push_back({verdict_of(r), r.value("evidence", ""), r.value("run_dir", ""), json_int(r, "rounds", 0),
                      r.value("duration_s", 0.0)});
  return s;
}

// What bisect.json holds may be crafted: shown on one line, escaped
// (reports/report_context.h).
std::string one_line(const std::string& text) { return one_line_text(text, 1000); }

std::string short_line(const StepRecord& s) { return "[" + s.commit + "] " + one_line(s.subject); }

}  // namespace

std::vector<Verdict> StepRecord::verdicts() const {
  std::vector<Verdict> out;
  for (const auto& r : runs) out.push_back(r.verdict);
  return out;
}

std::string_view to_string(BisectStatus status) {
  switch (status) {
    case BisectStatus::kRunning:
      return "running";
    case BisectStatus::kFound:
      return "found";
    case BisectStatus::kRange:
      return "range";
    case BisectStatus::kFailed:
      return "failed";
  }
  return "running";
}

StepRecord* BisectState::find(const std::string& sha) {
  for (auto& s : steps)
    if (s.commit == sha) return &s;
  return nullptr;
}

const StepRecord* BisectState::find(const std::string& sha) const { return const_cast<BisectState*>(this)->find(sha); }

json to_json(const BisectState& st) {
  json steps = json::array();
  json skipped = json::array();
  std::vector<Verdict> old_runs, new_runs;
  for (const auto& s : st.steps) {
    steps.push_back(to_json(s));
    if (s.role == "step" && s.outcome == StepOutcome::kSkip)
      skipped.push_back({{"commit", s.commit}, {"subject", s.subject}, {"reason", s.reason}});
    if (s.role == "old") old_runs = s.verdicts();
    if (s.role == "new") new_runs = s.verdicts();
  }
  const Behaviour behaviour = behaviour_from(old_runs, new_runs);
  json out = {{"format", kBisectFormatVersion},
              {"bisect_id", st.bisect_id},
              {"tool_version", st.tool_version},
              {"created_at", st.created_at},
              {"updated_at", st.updated_at},
              {"matrix", st.matrix_file},
              {"matrix_source", st.matrix_source},
              {"test", st.test},
              {"axis", st.axis},
              {"git_dir", st.git_dir},
              {"old", {{"ref", st.old_ref}, {"commit", st.old_commit}}},
              {"new", {{"ref", st.new_ref}, {"commit", st.new_commit}}},
              {"kernel_config", st.kernel_config},
              {"end_runs", st.end_runs},
              {"runs", st.runs},
              {"runs_given", st.runs_given},
              {"workdir", st.workdir},
              {"status", to_string(st.status)},
              {"commit", st.commit.empty() ? json(nullptr) : json(st.commit)},
              {"subject", st.subject},
              {"confidence", st.confidence},
              {"message", st.message},
              {"verification", st.verification},
              {"reproduced", st.reproduced},
              {"failure", st.failure},
              {"behaviour", {{"old", counts_json(behaviour.old_end)}, {"new", counts_json(behaviour.new_end)}}},
              {"skipped", skipped},
              {"steps", steps}};
  if (st.status == BisectStatus::kRange) out["range"] = {{"after", st.range_after}, {"candidates", st.range}};
  return out;
}

namespace {

// A full sha-1 or sha-256 object name in lowercase hex: all a bisection
// ever records, so nothing else read back can reach git.
bool is_full_commit_hash(const std::string& s) {
  return (s.size() == 40 || s.size() == 64) && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void require_commit(const std::string& sha, const std::string& what) {
  if (!is_full_commit_hash(sha))
    throw std::runtime_error("bisect.json: " + what + " is not a full commit hash (40 or 64 lowercase hex digits)");
}

void require_absolute(const std::string& path, const std::string& what) {
  const bool control =
      std::any_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (path.empty() || path.front() != '/' || control)
    throw std::runtime_error("bisect.json: " + what + " is not an absolute path");
}

// What bisect.json holds is read as crafted: a resumed bisection re-checks
// every value that becomes a path, a cache entry or a git argument.
void check_read_back(const BisectState& st) {
  if (const std::string problem = name_problem(st.bisect_id); !problem.empty())
    throw std::runtime_error("bisect.json: bisect_id " + problem);
  if (const std::string problem = relative_path_problem(st.matrix_file); !st.matrix_file.empty() && !problem.empty())
    throw std::runtime_error("bisect.json: matrix " + problem);
  require_absolute(st.git_dir, "git_dir");
  for (const auto& f : st.kernel_config) require_absolute(f, "a kernel_config fragment");
  require_commit(st.old_commit, "old.commit");
  require_commit(st.new_commit, "new.commit");
  if (!st.commit.empty()) require_commit(st.commit, "commit");
  if (!st.range_after.empty()) require_commit(st.range_after, "range.after");
  for (const auto& c : st.range) require_commit(c, "a range candidate");
  for (const auto& step : st.steps) require_commit(step.commit, "a step's commit");
}

}  // namespace

BisectState bisect_state_from_json(const json& j) {
  if (!j.is_object()) throw std::runtime_error("bisect.json is not a JSON object");
  if (json_int(j, "format", 0) != kBisectFormatVersion)
    throw std::runtime_error("bisect.json has format " + std::to_string(json_int(j, "format", 0)) +
                             ", this kmod-matrix " + "reads " + std::to_string(kBisectFormatVersion));
  BisectState st;
  st.bisect_id = required(j, "bisect_id").get<std::string>();
  st.tool_version = j.value("tool_version", "");
  st.created_at = j.value("created_at", "");
  st.updated_at = j.value("updated_at", "");
  st.matrix_file = required(j, "matrix").get<std::string>();
  st.matrix_source = j.value("matrix_source", st.matrix_file);
  st.test = required(j, "test").get<std::string>();
  st.axis = required(j, "axis").get<std::string>();
  st.git_dir = required(j, "git_dir").get<std::string>();
  st.old_ref = required(j, "old").value("ref", "");
  st.old_commit = required(j, "old").value("commit", "");
  st.new_ref = required(j, "new").value("ref", "");
  st.new_commit = required(j, "new").value("commit", "");
  st.kernel_config = j.value("kernel_config", std::vector<std::string>{});
  st.end_runs = json_int(j, "end_runs", 2);
  st.runs = json_int(j, "runs", 0);
  st.runs_given = j.value("runs_given", false);
  st.workdir = j.value("workdir", "");
  for (BisectStatus s : {BisectStatus::kRunning, BisectStatus::kFound, BisectStatus::kRange, BisectStatus::kFailed})
    if (to_string(s) == j.value("status", "")) st.status = s;
  if (auto c = j.find("commit"); c != j.end() && c->is_string()) st.commit = c->get<std::string>();
  st.subject = j.value("subject", "");
  st.confidence = j.value("confidence", 0.0);
  st.message = j.value("message", "");
  st.verification = j.value("verification", "");
  st.reproduced = j.value("reproduced", false);
  st.failure = j.value("failure", "");
  if (auto r = j.find("range"); r != j.end() && r->is_object()) {
    st.range_after = r->value("after", "");
    st.range = r->value("candidates", std::vector<std::string>{});
  }
  for (const auto& s : j.value("steps", json::array())) st.steps.push_back(step_from(s));
  check_read_back(st);
  return st;
}

void save_bisect_state(const BisectState& state, const std::filesystem::path& dir) {
  BisectState stamped = state;
  stamped.updated_at = utc_timestamp();
  write_file_atomically(dir / kStateFile, to_json(stamped).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
  write_file_atomically(dir / kLogFile, render_bisect_log(stamped));
}

BisectState load_bisect_state(const std::filesystem::path& dir) {
  const auto file = dir / kStateFile;
  if (!std::filesystem::exists(file))
    throw std::runtime_error("no bisection in " + dir.string() + " (missing " + file.string() +
                             ")\n  fix: pass the bisect id printed when it started, and the same --results");
  try {
    return bisect_state_from_json(
        parse_capped_json(read_contained_file(dir, kStateFile, kMaxBisectStateBytes), file.string()));
  } catch (const json::exception& e) {  // a field of another type than kmod-matrix writes
    throw std::runtime_error(file.string() + ": " + e.what());
  } catch (const CappedJsonError&) {
    throw;
  } catch (const ContainedFileError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(file.string() + ": " + e.what());
  }
}

std::string render_bisect_log(const BisectState& st) {
  std::string log = "# kmod-matrix bisect " + st.bisect_id + ": " + one_line(st.test) + ", " + one_line(st.axis) +
                    " from " + one_line(st.git_dir) +
                    "\n# replay in that repository with: git bisect replay <this file>\ngit bisect start\n";
  for (const auto& s : st.steps) {
    if (!s.outcome) continue;
    const std::string term(to_string(*s.outcome));
    log += "# " + term + ": " + short_line(s) + (s.reason.empty() ? "" : " (" + one_line(s.reason) + ")") + "\n";
    log += "git bisect " + term + " " + s.commit + "\n";
  }
  if (st.status == BisectStatus::kFound)
    log += "# first new commit: [" + st.commit + "] " + one_line(st.subject) + "\n";
  if (st.status == BisectStatus::kRange)
    log +=
        "# only skipped commits left to test: " + std::to_string(st.range.size()) + " after " + st.range_after + "\n";
  if (st.status == BisectStatus::kFailed) log += "# failed: " + one_line(st.message) + "\n";
  return log;
}

std::string render_bisect_summary(const BisectState& st, const std::string& results_file) {
  std::string out = "bisect " + st.bisect_id + ": " + one_line(st.test) + ", " + one_line(st.axis) + " " +
                    one_line(st.old_ref) + ".." + one_line(st.new_ref) + ", " + std::to_string(st.runs) +
                    " run(s) per step\n";
  int step = 0;
  for (const auto& s : st.steps) {
    const std::string label = s.role == "step" ? "step " + std::to_string(++step) : s.role + " end";
    out += "  " + label + std::string(label.size() < 8 ? 8 - label.size() : 0, ' ') + s.commit.substr(0, 12) + "  " +
           (s.outcome ? std::string(to_string(*s.outcome)) : std::string("unfinished")) + "  " +
           describe_runs(s.verdicts()) + "  " + one_line(s.subject) + "\n";
  }
  for (const auto& s : st.steps)
    if (s.role == "step" && s.outcome == StepOutcome::kSkip)
      out += "skipped " + s.commit + " " + one_line(s.subject) + ": " + one_line(s.reason) + "\n";
  if (!st.message.empty() && st.status != BisectStatus::kFailed) out += "note: " + st.message + "\n";
  if (!st.verification.empty()) out += st.verification + "\n";
  if (st.status == BisectStatus::kFound && !st.verification.empty())
    out += "confidence: " + std::to_string(static_cast<int>(std::lround(st.confidence * 100))) +
           "% (the share of the verification runs that fit)" +
           (st.reproduced ? "" : "; NOT REPRODUCED: do not trust this commit") + "\n";
  else if (st.status == BisectStatus::kFound || st.status == BisectStatus::kRange)
    out += "confidence: " + std::to_string(static_cast<int>(std::lround(st.confidence * 100))) +
           "% (that every step was read right, from how often each end showed its behaviour)\n";
  out += "results: " + results_file + "\n";
  if (st.status == BisectStatus::kFound) {
    out += "first commit with the new behaviour: " + st.commit + " " + one_line(st.subject) + "\n";
  } else if (st.status == BisectStatus::kRange) {
    out += "skipped commits hide which of these " + std::to_string(st.range.size()) + " is first:\n";
    for (const auto& sha : st.range) {
      const StepRecord* s = st.find(sha);
      out += "  " + sha + (s ? " " + one_line(s->subject) : std::string()) + "\n";
    }
    out += "first commit with the new behaviour: one of " + std::to_string(st.range.size()) + " commits after " +
           st.range_after + ", " + st.range.front() + ".." + st.range.back() + "\n";
  }
  return out;
}

}  // namespace kmx
