#include "analysis/run_compare.h"

#include <filesystem>
#include <map>
#include <sstream>
#include <tuple>

#include "store/results_json.h"
#include "text/text_escape.h"
#include "verdict/test_details.h"

namespace kmx {
namespace {

using nlohmann::json;
using CellKey = std::tuple<std::string, std::string, int, int>;

CellKey key_of(const Cell& c) { return {c.kernel.name, c.kmod.name, c.vcpus, c.memory_mib}; }

bool is_crash(Verdict v) { return v == Verdict::kOom || v == Verdict::kPanic || v == Verdict::kHang; }

// A verdict that blames the kernel or the kmod under test.
bool is_failure(Verdict v) {
  return v == Verdict::kFail || v == Verdict::kTimeout || v == Verdict::kFlaky || is_crash(v);
}

const TestResult* find_test(const CellResult& cell, const std::string& id) {
  for (const auto& t : cell.tests)
    if (t.test == id) return &t;
  return nullptr;
}

// Only when both runs recorded the field: a results.json from before it
// existed says nothing about the configuration, so it is not a change.
// The kernel a cell really booted: a name like "debian-6.1" stays while
// Debian rolls the package under it (6.1.0-56 -> 6.1.0-57) or a series
// resolves to a newer one; empty when the run recorded neither its Debian
// version nor the guest's uname -r.
std::string booted_kernel(const CellResult& c) {
  if (c.kernel_debian_version.empty() && c.guest_uname.empty()) return "";
  std::string out = c.kernel_package_or_declared();
  if (!c.kernel_debian_version.empty()) out += " " + c.kernel_debian_version;
  if (!c.guest_uname.empty()) out += " (uname -r " + c.guest_uname + ")";
  return out;
}

void compare_configuration(const CellResult& old_cell, const CellResult& new_cell, RunComparison& out) {
  const std::string cell = new_cell.cell.id();
  for (const auto& [field, o, n] : {std::tuple<const char*, const SourceSpec*, const SourceSpec*>{
                                        "kernel.revision", &old_cell.cell.kernel, &new_cell.cell.kernel},
                                    {"kmod.revision", &old_cell.cell.kmod, &new_cell.cell.kmod}}) {
    const json old_revision = revision_json(*o), new_revision = revision_json(*n);
    if (!old_revision.is_null() && !new_revision.is_null() && old_revision["commit"] != new_revision["commit"])
      out.configuration_changes.push_back({cell, field, old_revision, new_revision});
  }
  const auto recorded = [](const json& value) { return !value.is_null() && !value.empty(); };
  const std::string old_kernel = booted_kernel(old_cell);
  const std::string new_kernel = booted_kernel(new_cell);
  if (!old_kernel.empty() && !new_kernel.empty() && old_kernel != new_kernel)
    out.configuration_changes.push_back({cell, "kernel", old_kernel, new_kernel});
  if (recorded(old_cell.kmod_build) && recorded(new_cell.kmod_build) && old_cell.kmod_build != new_cell.kmod_build)
    out.configuration_changes.push_back({cell, "kmod_build", old_cell.kmod_build, new_cell.kmod_build});
  const json old_sha = old_cell.guest_modprobe_config.value("sha256", json());
  const json new_sha = new_cell.guest_modprobe_config.value("sha256", json());
  if (recorded(old_sha) && recorded(new_sha) && old_sha != new_sha)
    out.configuration_changes.push_back({cell, "guest_modprobe_config.sha256", old_sha, new_sha});
}

// Rounds and duplicate-load waste, when both runs recorded them.
void compare_observations(const std::string& cell, const TestResult& o, const TestResult& n, RunComparison& out) {
  const auto &old_rounds = o.details.iterations, new_rounds = n.details.iterations;
  if (old_rounds && new_rounds &&
      (old_rounds->failed_at != new_rounds->failed_at || old_rounds->passed != new_rounds->passed ||
       old_rounds->planned != new_rounds->planned))
    out.information.push_back({cell, n.test, "iterations", iterations_json(*old_rounds), iterations_json(*new_rounds),
                               iterations_text(*old_rounds) + " -> " + iterations_text(*new_rounds)});
  const auto old_waste = duplicate_load_waste(o.details), new_waste = duplicate_load_waste(n.details);
  if (!old_waste || !new_waste) return;
  for (const auto& [field, new_value] : new_waste->by_field) {
    const auto it = old_waste->by_field.find(field);
    if (it == old_waste->by_field.end() || it->second == new_value) continue;
    out.information.push_back({cell, n.test, "module_stats.delta." + field, it->second, new_value,
                               field + " " + std::to_string(it->second) + " -> " + std::to_string(new_value)});
  }
}

void compare_cell(const CellResult& old_cell, const CellResult& new_cell, RunComparison& out) {
  const std::size_t config_changes_before = out.configuration_changes.size();
  compare_configuration(old_cell, new_cell, out);
  const bool reconfigured = out.configuration_changes.size() != config_changes_before;
  const std::string cell = new_cell.cell.id();
  for (const auto& n : new_cell.tests) {
    const TestResult* o = find_test(old_cell, n.test);
    if (!o) {
      VerdictChange change{cell, n.test, std::nullopt, n.verdict, "", n.evidence, reconfigured, "", n.log};
      (n.verdict == Verdict::kMiss ? out.missing : out.only_new).push_back(change);
      continue;
    }
    compare_observations(cell, *o, n, out);
    if (o->verdict == n.verdict) continue;
    VerdictChange change{cell, n.test, o->verdict, n.verdict, o->evidence, n.evidence, reconfigured, o->log, n.log};
    change.known_issue = n.known_issue;
    if (n.verdict == Verdict::kMiss)
      out.missing.push_back(change);
    else if (is_regression(o->verdict, n.verdict))
      (n.known_issue ? out.known_issues : out.regressions).push_back(change);
    else if (is_fix(o->verdict, n.verdict))
      out.fixes.push_back(change);
    else
      out.changes.push_back(change);
  }
  for (const auto& o : old_cell.tests)
    if (!find_test(new_cell, o.test))
      out.vanished.push_back({cell, o.test, o.verdict, std::nullopt, o.evidence, "", reconfigured, o.log, ""});
}

std::vector<std::string> test_ids(const CellResult& cell) {
  std::vector<std::string> ids;
  for (const auto& t : cell.tests) ids.push_back(t.test);
  return ids;
}

std::string matrix_change(const RunResult& old_run, const RunResult& new_run) {
  if (old_run.matrix_name != new_run.matrix_name) return "matrix " + old_run.matrix_name + " -> " + new_run.matrix_name;
  if (!old_run.matrix_sha256.empty() && !new_run.matrix_sha256.empty() &&
      old_run.matrix_sha256 != new_run.matrix_sha256)
    return "matrix " + new_run.matrix_name + " edited (sha256 " + old_run.matrix_sha256.substr(0, 12) + " -> " +
           new_run.matrix_sha256.substr(0, 12) + ")";
  return "";
}

json side_json(const std::optional<Verdict>& verdict, const std::string& evidence, const std::string& run_dir,
               const std::string& log) {
  if (!verdict) return nullptr;
  json log_path = nullptr;
  if (!log.empty()) log_path = run_dir.empty() ? log : (std::filesystem::path(run_dir) / log).string();
  return {{"verdict", to_string(*verdict)}, {"evidence", evidence}, {"log", log_path}};
}

json changes_json(const RunComparison& c, const std::vector<VerdictChange>& changes) {
  json list = json::array();
  for (const auto& change : changes) {
    json entry = {{"cell", change.cell},
                  {"test", change.test.empty() ? json(nullptr) : json(change.test)},
                  {"old", side_json(change.old_verdict, change.old_evidence, c.old_run_dir, change.old_log)},
                  {"new", side_json(change.new_verdict, change.new_evidence, c.new_run_dir, change.new_log)},
                  {"configuration_changed", change.configuration_changed}};
    if (change.test.empty()) entry["tests"] = change.cell_tests;
    if (change.rate) {
      entry["rate"] = failure_rate_json(change.rate->before);
      entry["rate"]["streak"] = change.rate->streak;
      entry["rate"]["chance"] = change.rate->chance;
      entry["rate"]["within"] = change.rate->within;
    }
    if (change.known_issue) entry["known_issue"] = known_issue_json(*change.known_issue);
    list.push_back(std::move(entry));
  }
  return list;
}

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string verdict_text(const std::optional<Verdict>& v) { return v ? std::string(to_string(*v)) : "-"; }

void render_section(std::ostringstream& out, const std::string& title, const std::vector<VerdictChange>& changes) {
  if (changes.empty()) return;
  out << title << " (" << changes.size() << "):\n";
  for (const auto& c : changes) {
    if (c.test.empty()) {  // a whole cell
      std::string tests;
      for (const auto& t : c.cell_tests) tests += (tests.empty() ? "" : ", ") + t;
      out << "  cell " << one_line_text(c.cell) << " (" << plural(c.cell_tests.size(), "test", "tests")
          << (tests.empty() ? "" : ": " + one_line_text(tests, 2000)) << ")\n";
      continue;
    }
    out << "  " << one_line_text(c.test) << " on " << one_line_text(c.cell) << ": " << verdict_text(c.old_verdict)
        << " -> " << verdict_text(c.new_verdict) << (c.configuration_changed ? "  [configuration changed]" : "")
        << "\n";
    const std::string& evidence = c.new_verdict ? c.new_evidence : c.old_evidence;
    if (!evidence.empty()) out << "      " << one_line_text(evidence) << "\n";
    if (c.rate) out << "      " << judgement_text(*c.rate) << "\n";
    if (c.known_issue)
      out << "      known issue" << (c.known_issue->intermittent ? " (intermittent)" : "") << ": "
          << one_line_text(c.known_issue->link, 500)
          << (c.known_issue->title.empty() ? "" : " " + one_line_text(c.known_issue->title)) << "\n";
  }
}

}  // namespace

bool is_regression(Verdict old_verdict, Verdict new_verdict) {
  if (old_verdict == new_verdict) return false;
  if (old_verdict == Verdict::kPass && is_failure(new_verdict)) return true;
  return is_crash(new_verdict) && !is_crash(old_verdict) && old_verdict != Verdict::kError;
}

bool is_fix(Verdict old_verdict, Verdict new_verdict) {
  return new_verdict == Verdict::kPass && is_failure(old_verdict);
}

RunComparison compare_runs(const RunResult& old_run, const RunResult& new_run) {
  RunComparison out;
  out.old_run_id = old_run.run_id;
  out.new_run_id = new_run.run_id;
  out.matrix_change = matrix_change(old_run, new_run);
  std::map<CellKey, const CellResult*> old_cells;
  for (const auto& c : old_run.cells) old_cells[key_of(c.cell)] = &c;
  std::map<CellKey, bool> matched;
  for (const auto& n : new_run.cells) {
    const auto it = old_cells.find(key_of(n.cell));
    if (it == old_cells.end()) {
      out.only_new.push_back({n.cell.id(), "", std::nullopt, std::nullopt, "", "", false, "", "", test_ids(n)});
      continue;
    }
    matched[it->first] = true;
    compare_cell(*it->second, n, out);
  }
  for (const auto& o : old_run.cells)
    if (!matched.count(key_of(o.cell)))
      out.vanished.push_back({o.cell.id(), "", std::nullopt, std::nullopt, "", "", false, "", "", test_ids(o)});
  return out;
}

json comparison_to_json(const RunComparison& c) {
  json information = json::array();
  for (const auto& i : c.information)
    information.push_back({{"cell", i.cell},
                           {"test", i.test},
                           {"field", i.field},
                           {"old", i.old_value},
                           {"new", i.new_value},
                           {"text", i.text}});
  json config = json::array();
  for (const auto& change : c.configuration_changes)
    config.push_back(
        {{"cell", change.cell}, {"field", change.field}, {"old", change.old_value}, {"new", change.new_value}});
  return {{"old_run", c.old_run_id},
          {"new_run", c.new_run_id},
          {"matrix_change", c.matrix_change.empty() ? json(nullptr) : json(c.matrix_change)},
          {"regressions", changes_json(c, c.regressions)},
          {"missing", changes_json(c, c.missing)},
          {"vanished", changes_json(c, c.vanished)},
          {"fixes", changes_json(c, c.fixes)},
          {"within_known_rate", changes_json(c, c.within_known_rate)},
          {"known_issues", changes_json(c, c.known_issues)},
          {"changes", changes_json(c, c.changes)},
          {"only_new", changes_json(c, c.only_new)},
          {"configuration_changes", config},
          {"information", information}};
}

std::string render_comparison_text(const RunComparison& c) {
  std::ostringstream out;
  out << "compare " << one_line_text(c.old_run_id, 64) << " -> " << one_line_text(c.new_run_id, 64) << "\n";
  if (!c.matrix_change.empty())
    out << "the runs ran different matrices (" << one_line_text(c.matrix_change)
        << "): cells and tests of one only are listed as vanished or new\n";
  if (!c.configuration_changes.empty()) {
    out << "configuration changes (" << c.configuration_changes.size()
        << "): verdicts of these cells are not like for like\n";
    for (const auto& change : c.configuration_changes)
      out << "  " << one_line_text(change.cell) << ": " << change.field << " "
          << one_line_text(change.old_value.dump(-1, ' ', false, json::error_handler_t::replace), 2000) << " -> "
          << one_line_text(change.new_value.dump(-1, ' ', false, json::error_handler_t::replace), 2000) << "\n";
  }
  render_section(out, "regressions", c.regressions);
  render_section(out, "missing: planned and not run (a lost shard)", c.missing);
  render_section(out, "vanished: ran before, not now", c.vanished);
  render_section(out, "fixes", c.fixes);
  render_section(out, "within the known rate: flips the test's recorded rate explains, not regressions or fixes",
                 c.within_known_rate);
  render_section(out, "known issues: regressions a [[known_issue]] of the matrix covers", c.known_issues);
  render_section(out, "other changes", c.changes);
  render_section(out, "new: not in the old run", c.only_new);
  if (!c.information.empty()) {
    out << "information (" << c.information.size() << "): rounds and module stats, not regressions\n";
    for (const auto& i : c.information)
      out << "  " << one_line_text(i.test) << " on " << one_line_text(i.cell) << ": " << one_line_text(i.text) << "\n";
  }
  out << plural(c.regressions.size(), "regression", "regressions") << ", " << c.missing.size() << " missing, "
      << c.vanished.size() << " vanished, " << plural(c.fixes.size(), "fix", "fixes") << ", "
      << plural(c.changes.size(), "other change", "other changes") << ", " << c.only_new.size() << " new, "
      << plural(c.configuration_changes.size(), "configuration change", "configuration changes");
  if (!c.information.empty()) out << ", " << c.information.size() << " information";
  if (!c.within_known_rate.empty()) out << ", " << c.within_known_rate.size() << " within the known rate";
  if (!c.known_issues.empty()) out << ", " << plural(c.known_issues.size(), "known issue", "known issues");
  out << "\n";
  return out.str();
}

}  // namespace kmx
