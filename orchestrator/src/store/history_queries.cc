// HistoryStore's queries (store/history_store.h): what compare, history,
// report and the site read back. Every text history.db holds is as
// untrusted as the files it was recorded from: callers validate ids before
// they name directories, and escape text before they show it.
#include <sqlite3.h>

#include <map>

#include "os/capped_json.h"
#include "store/history_store.h"
#include "store/sqlite_statement.h"

namespace kmx {
namespace {

RecordedRun run_from_row(const Statement& s) {
  return RecordedRun{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)};
}

using nlohmann::json;

// A JSON column as crafted input: an object, or an empty one.
json object_column(const Statement& s, int column) {
  json value = parse_capped_json_or_discard(s.text(column));
  return value.is_object() ? value : json::object();
}

// The header of a run recorded before schema 4, from its columns.
json header_from_columns(const Statement& s) {
  return {{"run_id", s.text(1)},
          {"started_at", s.text(2)},
          {"finished_at", s.text(3)},
          {"tool_version", s.text(4)},
          {"matrix", {{"name", s.text(5)}, {"file", s.text(6)}, {"sha256", s.text(7)}}},
          {"host",
           {{"hostname", s.text(8)},
            {"cpus", s.integer(9)},
            {"memory_mib", s.integer(10)},
            {"kernel", s.text(11)},
            {"qemu_version", s.text(12)},
            {"libvirt_version", s.text(13)},
            {"accel", s.text(14)},
            {"accel_reason", s.text(15)}}}};
}

// A cell recorded before schema 4, from its columns (no tests yet).
json cell_from_columns(const Statement& s) {
  json cell = {{"id", s.text(0)},
               {"kernel", {{"name", s.text(2)}, {"resolved_package", s.text(3)}, {"debian_version", s.text(4)}}},
               {"guest_uname", s.text(5)},
               {"kmod", {{"name", s.text(6)}}},
               {"guest_kmod_version", s.text(8)},
               {"vcpus", s.integer(9)},
               {"memory_mib", s.integer(10)},
               {"kmod_build", object_column(s, 11)},
               {"host", s.text(13)}};
  if (!s.text(7).empty()) cell["kmod"]["version"] = s.text(7);
  if (!s.text(12).empty()) cell["guest_modprobe_config"] = {{"sha256", s.text(12)}};
  return cell;
}

// One test's row as a results.json test entry, details included.
json test_from_row(const Statement& s) {
  json expected = parse_capped_json_or_discard(s.text(4));
  json test = {{"id", s.text(0)},
               {"verdict", s.text(1)},
               {"duration_s", s.real(2)},
               {"evidence", s.text(3)},
               {"expected", expected.is_array() ? expected : json::array()},
               {"as_expected", s.integer(5) != 0}};
  const json details = object_column(s, 6);  // named: items() would outlive a temporary
  for (const auto& [key, value] : details.items()) test[key] = value;
  return test;
}

std::vector<std::string> column_values(sqlite3* db, const std::filesystem::path& path, const char* sql) {
  Statement s(db, sql, path);
  std::vector<std::string> values;
  while (s.step()) values.push_back(s.text(0));
  return values;
}

constexpr const char* kRunColumns = "run_id, started_at, finished_at, matrix_name, matrix_sha256, tool_version, accel";

// A cell's key from four columns, starting at `first`: kernel_name,
// kmod_name, vcpus, memory_mib.
RecordedCellKey cell_key(Statement& s, int first) {
  return RecordedCellKey{s.text(first), s.text(first + 1), static_cast<int>(s.integer(first + 2)),
                         static_cast<int>(s.integer(first + 3))};
}

// The first nine columns every verdict query selects: run_id, started_at,
// kernel_name, kmod_name, vcpus, memory_mib, verdict, evidence, duration_s.
RecordedVerdict verdict_row(Statement& s) {
  RecordedVerdict v;
  v.run_id = s.text(0);
  v.started_at = s.text(1);
  v.cell = cell_key(s, 2);
  v.verdict = parse_verdict(s.text(6)).value_or(Verdict::kError);
  v.evidence = s.text(7);
  v.duration_s = s.real(8);
  return v;
}

}  // namespace

std::vector<RecordedRun> HistoryStore::runs_of_matrix(const std::string& matrix_name) const {
  Statement s(
      db_,
      (std::string("SELECT ") + kRunColumns + " FROM runs WHERE matrix_name=?1 ORDER BY started_at, run_id").c_str(),
      path_);
  s.bind(1, matrix_name);
  std::vector<RecordedRun> runs;
  while (s.step()) runs.push_back(run_from_row(s));
  return runs;
}

std::optional<RecordedRun> HistoryStore::previous_run(const std::string& run_id) const {
  Statement s(db_,
              (std::string("SELECT ") + kRunColumns +
               " FROM runs WHERE run_id<>?1 AND matrix_name=(SELECT matrix_name FROM runs WHERE run_id=?1)"
               " AND (started_at, run_id) < (SELECT started_at, run_id FROM runs WHERE run_id=?1)"
               " ORDER BY started_at DESC, run_id DESC LIMIT 1")
                  .c_str(),
              path_);
  s.bind(1, run_id);
  if (!s.step()) return std::nullopt;
  return run_from_row(s);
}

std::vector<RecordedVerdict> HistoryStore::verdict_timeline(const TimelineFilter& filter) const {
  Statement s(db_,
              "SELECT r.run_id, r.started_at, c.kernel_name, c.kmod_name, c.vcpus, c.memory_mib,"
              " t.verdict, t.evidence, t.duration_s, t.iterations_planned, t.iterations_passed,"
              " t.iterations_failed_at, t.min_available_kib"
              " FROM test_results t JOIN cells c ON c.run_id=t.run_id AND c.cell_id=t.cell_id"
              " JOIN runs r ON r.run_id=t.run_id"
              " WHERE t.test_id=?1 AND (?2='' OR c.kernel_name=?2) AND (?3='' OR c.kmod_name=?3)"
              " ORDER BY c.kernel_name, c.kmod_name, c.vcpus, c.memory_mib, r.started_at, r.run_id",
              path_);
  s.bind(1, filter.test).bind(2, filter.kernel).bind(3, filter.kmod);
  std::vector<RecordedVerdict> out;
  while (s.step()) {
    RecordedVerdict v = verdict_row(s);
    v.iterations_planned = s.optional_integer(9);
    v.iterations_passed = s.optional_integer(10);
    v.iterations_failed_at = s.optional_integer(11);
    v.min_available_kib = s.optional_integer(12);
    v.test = filter.test;
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<std::string> HistoryStore::matrix_names() const {
  return column_values(db_, path_, "SELECT matrix_name FROM runs GROUP BY matrix_name ORDER BY max(started_at) DESC");
}

std::vector<std::string> HistoryStore::test_ids() const {
  return column_values(db_, path_, "SELECT DISTINCT test_id FROM test_results ORDER BY test_id");
}

std::vector<std::string> HistoryStore::kernel_names() const {
  return column_values(db_, path_, "SELECT DISTINCT kernel_name FROM cells ORDER BY kernel_name");
}

std::vector<std::string> HistoryStore::kmod_names() const {
  return column_values(db_, path_, "SELECT DISTINCT kmod_name FROM cells ORDER BY kmod_name");
}

std::vector<RecordedVerdict> HistoryStore::matrix_verdicts(const std::string& matrix_name,
                                                           const std::string& since) const {
  Statement s(db_,
              "SELECT r.run_id, r.started_at, c.kernel_name, c.kmod_name, c.vcpus, c.memory_mib,"
              " t.verdict, t.evidence, t.duration_s, t.test_id"
              " FROM test_results t JOIN cells c ON c.run_id=t.run_id AND c.cell_id=t.cell_id"
              " JOIN runs r ON r.run_id=t.run_id"
              " WHERE r.matrix_name=?1 AND r.started_at>=?2"
              " ORDER BY r.started_at, r.run_id, c.kernel_name, c.kmod_name, c.vcpus, c.memory_mib, t.test_id",
              path_);
  s.bind(1, matrix_name).bind(2, since);
  std::vector<RecordedVerdict> out;
  while (s.step()) {
    RecordedVerdict v = verdict_row(s);
    v.test = s.text(9);
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<RecordedCellBuild> HistoryStore::cell_builds(const std::string& run_id) const {
  Statement s(db_,
              "SELECT kernel_name, kmod_name, vcpus, memory_mib, kernel_package, kernel_debian_version, guest_uname,"
              " guest_kmod_version FROM cells WHERE run_id=?1"
              " ORDER BY kernel_name, kmod_name, vcpus, memory_mib",
              path_);
  s.bind(1, run_id);
  std::vector<RecordedCellBuild> out;
  while (s.step()) out.push_back({cell_key(s, 0), s.text(4), s.text(5), s.text(6), s.text(7)});
  return out;
}

std::optional<json> HistoryStore::run_document(const std::string& run_id) const {
  Statement run(db_,
                "SELECT document, run_id, started_at, finished_at, tool_version, matrix_name, matrix_file,"
                " matrix_sha256, hostname, host_cpus, host_memory_mib, host_kernel, qemu_version, libvirt_version,"
                " accel, accel_reason FROM runs WHERE run_id=?1",
                path_);
  run.bind(1, run_id);
  if (!run.step()) return std::nullopt;
  json doc = object_column(run, 0);
  if (doc.empty()) doc = header_from_columns(run);
  json& cells = doc["cells"] = json::array();
  Statement cell(db_,
                 "SELECT cell_id, document, kernel_name, kernel_package, kernel_debian_version, guest_uname,"
                 " kmod_name, kmod_version, guest_kmod_version, vcpus, memory_mib, kmod_build,"
                 " modprobe_config_sha256, host FROM cells WHERE run_id=?1 ORDER BY position, rowid",
                 path_);
  Statement test(db_,
                 "SELECT test_id, verdict, duration_s, evidence, expected, as_expected, details FROM test_results"
                 " WHERE run_id=?1 AND cell_id=?2 ORDER BY rowid",
                 path_);
  cell.bind(1, run_id);
  while (cell.step()) {
    std::map<std::string, json> tests;  // by id, as recorded
    std::vector<std::string> order;
    test.bind(1, run_id).bind(2, cell.text(0));
    while (test.step()) {
      order.push_back(test.text(0));
      tests[test.text(0)] = test_from_row(test);
    }
    test.reset();
    json c = object_column(cell, 1);
    if (c.empty()) c = cell_from_columns(cell);
    // The document's test entries (log, boot, rounds) with their details;
    // rows before schema 4 have only the columns.
    json entries = json::array();
    if (const auto it = c.find("tests"); it != c.end() && it->is_array()) {
      for (const auto& t : *it) {
        const auto row = t.is_object() && t.contains("id") && t["id"].is_string() ? tests.find(t["id"]) : tests.end();
        json entry = t;
        if (row != tests.end())
          for (const auto& [key, value] : row->second.items()) entry[key] = value;
        entries.push_back(entry);
      }
    } else {
      for (const auto& id : order) entries.push_back(tests[id]);
    }
    c["tests"] = std::move(entries);
    cells.push_back(std::move(c));
  }
  return doc;
}

}  // namespace kmx
