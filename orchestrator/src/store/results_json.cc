#include "store/results_json.h"

#include <unordered_map>

#include "os/capped_json.h"
#include "os/contained_files.h"
#include "os/files.h"
#include "store/cell_journal.h"
#include "text/text_escape.h"
#include "verdict/test_details.h"

namespace kmx {
namespace {

using nlohmann::json;

json verdict_list(const std::vector<Verdict>& verdicts) {
  json list = json::array();
  for (Verdict v : verdicts) list.push_back(to_string(v));
  return list;
}

json boot_json(const BootSummary& b) {
  json out = {{"index", b.index},
              {"domain", b.domain},
              {"boot_s", b.boot_seconds},
              {"wall_s", b.wall_seconds},
              {"end", b.end},
              {"end_detail", b.end_detail},
              {"console_log", b.console_log},
              {"agent_log", b.agent_log},
              {"agent_garbage_lines", b.garbage_lines},
              {"agent_garbage_samples", b.garbage_samples},
              {"agent_problems", b.agent_problems}};
  for (const auto& [port, cut] : b.truncated)
    out["truncated"][port] = {{"kept_bytes", cut.kept_bytes}, {"dropped_bytes", cut.dropped_bytes}};
  if (!b.host.empty()) out["host"] = b.host;
  return out;
}

// Name and source, then the keys the source declared (package, path, version, ...).
json source_json(const SourceSpec& spec) {
  json out = {{"name", spec.name}, {"source", spec.source}};
  for (const auto& [key, value] : spec.record) out[key] = value;
  return out;
}

// The kernel as the matrix declared it, plus the Debian version it resolved to.
json kernel_json(const CellResult& c) {
  json out = source_json(c.cell.kernel);
  if (!c.kernel_package.empty()) out["resolved_package"] = c.kernel_package;
  if (!c.kernel_debian_version.empty()) out["debian_version"] = c.kernel_debian_version;
  return out;
}

}  // namespace

json cell_json(const CellResult& c) {
  json tests = json::array();
  for (const auto& t : c.tests) {
    tests.push_back({{"id", t.test},
                     {"verdict", to_string(t.verdict)},
                     {"duration_s", t.duration_s},
                     {"evidence", t.evidence},
                     {"expected", verdict_list(t.expected)},
                     {"expected_reason", t.expected_reason},
                     {"as_expected", t.as_expected},
                     {"boot", t.boot},
                     {"log", t.log}});
    if (t.rounds > 0) tests.back()["rounds"] = t.rounds;
    write_test_details(t.details, tests.back());
    if (t.known_issue) tests.back()["known_issue"] = known_issue_json(*t.known_issue);
  }
  json boots = json::array();
  for (const auto& b : c.boots) boots.push_back(boot_json(b));
  return {{"id", c.cell.id()},
          {"kernel", kernel_json(c)},
          {"kmod", source_json(c.cell.kmod)},
          {"vcpus", c.cell.vcpus},
          {"memory_mib", c.cell.memory_mib},
          {"image", c.image_id},
          {"test_modules_built_against", c.test_modules_built_against},
          {"guest_uname", c.guest_uname},
          {"guest_kmod_version", c.guest_kmod_version},
          {"kmod_build", c.kmod_build},
          {"guest_modprobe_config", c.guest_modprobe_config},
          {"boot_s", c.first_boot_seconds()},
          {"host", c.host},
          {"tests", tests},
          {"boots", boots}};
}

std::size_t RunResult::unexpected_count() const {
  std::size_t n = 0;
  for (const auto& c : cells)
    for (const auto& t : c.tests) n += t.as_expected ? 0 : 1;
  return n;
}

std::string RunResult::accel_of(const CellResult& cell) const {
  for (const auto& h : hosts)
    if (h.uri == cell.host) return h.accel;
  return accel;
}

json run_header_json(const RunResult& run) {
  json doc = {{"format", kResultsFormatVersion},
              {"run_id", run.run_id},
              {"tool_version", run.tool_version},
              {"matrix", {{"name", run.matrix_name}, {"file", run.matrix_file}, {"sha256", run.matrix_sha256}}},
              {"host",
               {{"accel", run.accel},
                {"accel_reason", run.accel_reason},
                {"hostname", run.host.hostname},
                {"cpus", run.host.cpus},
                {"memory_mib", run.host.memory_mib},
                {"kernel", run.host.kernel},
                {"qemu_version", run.host.qemu_version},
                {"libvirt_version", run.host.libvirt_version}}},
              {"started_at", run.started_at},
              {"finished_at", run.finished_at}};
  if (run.shard)
    doc["shard"] = {{"index", run.shard->index},
                    {"count", run.shard->count},
                    {"cells", run.shard->cells},
                    {"basis", run.shard->basis}};
  for (const auto& h : run.hosts)
    doc["hosts"].push_back({{"uri", h.uri},
                            {"cpus", h.cpus},
                            {"memory_mib", h.memory_mib},
                            {"accel", h.accel},
                            {"accel_reason", h.accel_reason},
                            {"labels", h.labels},
                            {"lost", h.lost}});
  if (!run.merged_from.empty()) {
    doc["merged_from"] = run.merged_from;
    doc["absent_cells"] = run.absent_cells;
  }
  return doc;
}

json to_json(const RunResult& run) {
  json doc = run_header_json(run);
  json& cells = doc["cells"] = json::array();
  for (const auto& c : run.cells) cells.push_back(cell_json(c));
  doc["unexpected"] = run.unexpected_count();
  return doc;
}

void write_results_json(const RunResult& run, const std::filesystem::path& run_dir) {
  // Guest text was sanitized on the way in; replace keeps a bad byte from
  // ever costing the whole file.
  write_file_atomically(run_dir / "results.json",
                        to_json(run).dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

namespace {

std::vector<Verdict> verdicts_from(const json& list) {
  std::vector<Verdict> out;
  if (list.is_array())
    for (const auto& v : list)
      if (auto parsed = v.is_string() ? parse_verdict(v.get<std::string>()) : std::nullopt) out.push_back(*parsed);
  return out;
}

// The strings of an array field; anything else is dropped.
std::vector<std::string> strings_in(const json& object, const char* key) {
  std::vector<std::string> out;
  if (auto it = object.find(key); it != object.end() && it->is_array())
    for (const auto& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace

namespace {

// Name and source; every other key is what the source declared.
template <class Spec>
Spec source_from(const json& j) {
  Spec spec;
  if (!j.is_object()) return spec;
  for (const auto& [key, value] : j.items()) {
    if (key == "name")
      spec.name = value.is_string() ? value.template get<std::string>() : "";
    else if (key == "source")
      spec.source = value.is_string() ? value.template get<std::string>() : "";
    else if (value.is_string())
      spec.record.emplace_back(key, value.template get<std::string>());
  }
  return spec;
}

Cell cell_from(const json& c, int index) {
  Cell cell;
  cell.index = index;
  cell.kernel = source_from<KernelSpec>(c.value("kernel", json::object()));
  cell.kmod = source_from<KmodSpec>(c.value("kmod", json::object()));
  cell.vcpus = json_int(c, "vcpus", 0);
  cell.memory_mib = json_int(c, "memory_mib", 0);
  for (const auto& t : c.value("tests", json::array())) cell.tests.push_back(t.value("id", ""));
  return cell;
}

}  // namespace

namespace {

// cells.jsonl over results.json. Every line is newer than results.json (the
// writer renders results.json, then removes the journal), so the header
// keys and each cell, by id, take the line's value; a cell results.json
// lacks follows the others in the order it was first recorded.
void apply_journal(json& doc, const std::vector<json>& lines) {
  if (lines.empty()) return;
  json& cells = doc["cells"];
  if (!cells.is_array()) cells = json::array();
  std::unordered_map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (cells[i].is_object() && cells[i].value("id", json()).is_string())
      position.emplace(cells[i]["id"].get<std::string>(), i);
  for (const auto& line : lines) {
    if (auto header = line.find("run"); header != line.end() && header->is_object())
      for (const auto& [key, value] : header->items())
        if (key != "cells") doc[key] = value;
    auto cell = line.find("cell");
    if (cell == line.end() || !cell->is_object() || !cell->value("id", json()).is_string()) continue;
    const auto [at, fresh] = position.emplace((*cell)["id"].get<std::string>(), cells.size());
    if (fresh)
      cells.push_back(*cell);
    else
      cells[at->second] = *cell;
  }
}

}  // namespace

bool has_run_results(const std::filesystem::path& run_dir) {
  return contained_entry(run_dir, "results.json") != ContainedEntry::kMissing ||
         contained_entry(run_dir, kCellJournalFile) != ContainedEntry::kMissing;
}

namespace {

// A name read back that becomes a directory or a lookup key must be one
// kmod-matrix could have written (matrix/matrix.h name_problem).
std::string checked_name(const std::string& name, const std::string& what) {
  if (const std::string problem = name_problem(name); !problem.empty())
    throw std::runtime_error(what + " '" + one_line_text(name) + "' " + problem +
                             ", which kmod-matrix never writes\n  fix: it is damaged or crafted; name a run "
                             "directory kmod-matrix wrote");
  return name;
}

// A path read back is relative to the run directory and stays in it, or it
// is dropped: reports link and read only what lies inside the run.
std::string contained_path(const std::string& path) {
  return relative_path_problem(path).empty() ? std::filesystem::path(path).lexically_normal().generic_string() : "";
}

}  // namespace

json known_issue_json(const KnownIssue& issue) {
  return {{"link", issue.link}, {"title", issue.title}, {"intermittent", issue.intermittent}};
}

std::optional<KnownIssue> known_issue_from_json(const json& value, const std::string& test) {
  if (!value.is_object()) return std::nullopt;
  const auto text = [&](const char* key) {
    const auto v = value.find(key);
    return v != value.end() && v->is_string() ? shorten(v->get<std::string>(), 500) : std::string();
  };
  const auto intermittent = value.find("intermittent");
  KnownIssue issue{
      test,         std::nullopt,
      std::nullopt, intermittent == value.end() || !intermittent->is_boolean() || intermittent->get<bool>(),
      text("link"), text("title")};
  if (issue.link.empty()) return std::nullopt;
  return issue;
}

json revision_json(const SourceSpec& spec) {
  const std::string commit = spec.recorded("commit");
  if (commit.empty()) return nullptr;
  return {{"commit", commit}, {"subject", spec.recorded("subject")}};
}

RunResult read_run_result(const std::filesystem::path& run_dir) {
  const auto path = run_dir / "results.json";
  if (!has_run_results(run_dir))
    throw std::runtime_error(path.string() + " does not exist\n  fix: name a run directory, e.g. results/<run-id>");
  json doc = json::object();
  if (contained_entry(run_dir, "results.json") != ContainedEntry::kMissing)
    doc = parse_capped_json(read_contained_file(run_dir, "results.json", kMaxResultsJsonBytes), path.string());
  const auto journal_lines = CellJournal::read(run_dir / kCellJournalFile);
  try {
    return run_result_from_json(std::move(doc), journal_lines);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

namespace {

RunResult run_from_document(const json& doc);

}  // namespace

RunResult run_result_from_json(json doc, const std::vector<json>& journal_lines) {
  if (!doc.is_object()) throw std::runtime_error("not a JSON object\n  fix: name a run directory kmod-matrix wrote");
  apply_journal(doc, journal_lines);
  try {
    return run_from_document(doc);
  } catch (const json::exception& e) {  // a field of another type than kmod-matrix writes
    throw std::runtime_error(std::string(e.what()) + "\n  fix: name a run directory kmod-matrix wrote");
  }
}

namespace {

RunResult run_from_document(const json& doc) {
  RunResult run;
  run.run_id = doc.value("run_id", "");
  if (!run.run_id.empty()) checked_name(run.run_id, "run id");
  const json matrix = doc.value("matrix", json::object());
  run.matrix_name = matrix.value("name", "");
  run.matrix_file = matrix.value("file", "");
  const json host = doc.value("host", json::object());
  run.accel = host.value("accel", "");
  run.accel_reason = host.value("accel_reason", "");
  run.started_at = doc.value("started_at", "");
  run.finished_at = doc.value("finished_at", "");
  run.tool_version = doc.value("tool_version", "");
  run.matrix_sha256 = matrix.value("sha256", "");
  run.host.hostname = host.value("hostname", "");
  if (auto cpus = host.find("cpus"); cpus != host.end() && cpus->is_number_integer()) run.host.cpus = cpus->get<int>();
  if (auto mib = host.find("memory_mib"); mib != host.end() && mib->is_number_integer())
    run.host.memory_mib = mib->get<long long>();
  run.host.kernel = host.value("kernel", "");
  run.host.qemu_version = host.value("qemu_version", "");
  run.host.libvirt_version = host.value("libvirt_version", "");
  if (auto shard = doc.find("shard"); shard != doc.end() && shard->is_object()) {
    auto number = [&](const char* key) {
      auto it = shard->find(key);
      return it != shard->end() && it->is_number_integer() ? it->get<int>() : 0;
    };
    auto basis = shard->find("basis");
    run.shard = ShardRecord{number("index"), number("count"), strings_in(*shard, "cells"),
                            basis != shard->end() && basis->is_string() ? basis->get<std::string>() : ""};
  }
  for (const auto& h : doc.value("hosts", json::array())) {
    if (!h.is_object()) continue;
    HostRecord record;
    record.uri = h.value("uri", "");
    record.cpus = json_int(h, "cpus", 0);
    record.memory_mib = h.value("memory_mib", 0LL);
    record.accel = h.value("accel", "");
    record.accel_reason = h.value("accel_reason", "");
    record.labels = strings_in(h, "labels");
    record.lost = h.value("lost", false);
    run.hosts.push_back(record);
  }
  run.merged_from = strings_in(doc, "merged_from");
  run.absent_cells = strings_in(doc, "absent_cells");
  for (const auto& c : doc.value("cells", json::array())) {
    CellResult cell;
    cell.cell = cell_from(c, static_cast<int>(run.cells.size()));
    checked_name(cell.cell.kernel.name, "kernel name");
    checked_name(cell.cell.kmod.name, "kmod name");
    cell.image_id = c.value("image", "");
    cell.test_modules_built_against = c.value("test_modules_built_against", "");
    cell.guest_uname = c.value("guest_uname", "");
    if (auto k = c.find("kernel"); k != c.end() && k->is_object()) {
      cell.kernel_package = k->value("resolved_package", "");
      cell.kernel_debian_version = k->value("debian_version", "");
    }
    cell.guest_kmod_version = c.value("guest_kmod_version", "");
    cell.kmod_build = c.value("kmod_build", json::object());
    cell.guest_modprobe_config = c.value("guest_modprobe_config", json::object());
    cell.host = c.value("host", "");
    for (const auto& t : c.value("tests", json::array())) {
      TestResult r;
      r.test = t.value("id", "");
      auto verdict = parse_verdict(t.value("verdict", ""));
      if (r.test.empty() || !verdict) continue;
      r.verdict = *verdict;
      r.evidence = t.value("evidence", "");
      r.duration_s = t.value("duration_s", 0.0);
      r.rounds = json_int(t, "rounds", 0);
      r.expected = verdicts_from(t.value("expected", json::array()));
      r.expected_reason = t.value("expected_reason", "");
      r.as_expected = t.value("as_expected", false);
      r.boot = json_int(t, "boot", 0);
      r.log = contained_path(t.value("log", ""));
      r.details = read_test_details(t);
      if (const auto k = t.find("known_issue"); k != t.end()) r.known_issue = known_issue_from_json(*k, r.test);
      // A hang dump is linked from reports: a path inside the run or none.
      if (r.details.hang) {
        r.details.hang->dump = contained_path(r.details.hang->dump);
        if (r.details.hang->dump.empty() && r.details.hang->first_blocked.empty()) r.details.hang.reset();
      }
      cell.tests.push_back(r);
    }
    for (const auto& b : c.value("boots", json::array())) {
      BootSummary s;
      s.index = json_int(b, "index", 0);
      s.domain = b.value("domain", "");
      s.boot_seconds = b.value("boot_s", -1.0);
      s.wall_seconds = b.value("wall_s", 0.0);
      s.end = b.value("end", "");
      s.end_detail = b.value("end_detail", "");
      s.console_log = contained_path(b.value("console_log", ""));
      s.agent_log = contained_path(b.value("agent_log", ""));
      s.garbage_lines = b.value("agent_garbage_lines", std::size_t{0});
      s.garbage_samples = b.value("agent_garbage_samples", std::vector<std::string>{});
      s.agent_problems = b.value("agent_problems", std::vector<std::string>{});
      s.host = b.value("host", "");
      const json truncated = b.value("truncated", json::object());
      for (const auto& [port, cut] : truncated.items())
        if (cut.is_object())
          s.truncated[port] = {cut.value("kept_bytes", std::uintmax_t{0}),
                               cut.value("dropped_bytes", std::uintmax_t{0})};
      cell.boots.push_back(s);
    }
    run.cells.push_back(cell);
  }
  return run;
}

}  // namespace

std::map<std::string, CellResult> read_cell_results(const std::filesystem::path& run_dir) {
  if (!has_run_results(run_dir)) return {};  // killed before any boot finished
  std::map<std::string, CellResult> cells;
  for (auto& cell : read_run_result(run_dir).cells) cells[cell.cell.id()] = std::move(cell);
  return cells;
}

}  // namespace kmx
