#include "store/history_store.h"

#include <sqlite3.h>

#include <utility>

#include "store/results_json.h"
#include "store/sqlite_statement.h"
#include "verdict/test_details.h"

namespace kmx {
namespace {

using nlohmann::json;

// Migration N brings the schema from version N to N+1. Never edit a
// shipped step: add one, so databases written by older builds move forward.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL DEFAULT '',
  finished_at TEXT NOT NULL DEFAULT '',
  tool_version TEXT NOT NULL DEFAULT '',
  matrix_name TEXT NOT NULL DEFAULT '',
  matrix_file TEXT NOT NULL DEFAULT '',
  matrix_sha256 TEXT NOT NULL DEFAULT '',
  hostname TEXT NOT NULL DEFAULT '',
  host_cpus INTEGER NOT NULL DEFAULT 0,
  host_memory_mib INTEGER NOT NULL DEFAULT 0,
  host_kernel TEXT NOT NULL DEFAULT '',
  qemu_version TEXT NOT NULL DEFAULT '',
  libvirt_version TEXT NOT NULL DEFAULT '',
  accel TEXT NOT NULL DEFAULT '',
  accel_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_matrix ON runs (matrix_name, started_at);
CREATE TABLE cells (
  run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  cell_id TEXT NOT NULL,
  kernel_name TEXT NOT NULL,
  kernel_package TEXT NOT NULL DEFAULT '',
  kernel_debian_version TEXT NOT NULL DEFAULT '',
  guest_uname TEXT NOT NULL DEFAULT '',
  kmod_name TEXT NOT NULL,
  kmod_version TEXT NOT NULL DEFAULT '',
  guest_kmod_version TEXT NOT NULL DEFAULT '',
  vcpus INTEGER NOT NULL,
  memory_mib INTEGER NOT NULL,
  kmod_build TEXT NOT NULL DEFAULT '{}',
  modprobe_config_sha256 TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, cell_id)
);
CREATE TABLE test_results (
  run_id TEXT NOT NULL,
  cell_id TEXT NOT NULL,
  test_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  duration_s REAL NOT NULL DEFAULT 0,
  evidence TEXT NOT NULL DEFAULT '',
  expected TEXT NOT NULL DEFAULT '[]',
  as_expected INTEGER NOT NULL DEFAULT 0,
  details TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (run_id, cell_id, test_id),
  FOREIGN KEY (run_id, cell_id) REFERENCES cells (run_id, cell_id) ON DELETE CASCADE
);
CREATE INDEX test_results_by_test ON test_results (test_id);
)sql",
    // 1 -> 2: kmod.sh rounds and the memory low point as columns, so history
    // reads them without parsing details; NULL for rows from before.
    R"sql(
ALTER TABLE test_results ADD COLUMN iterations_planned INTEGER;
ALTER TABLE test_results ADD COLUMN iterations_passed INTEGER;
ALTER TABLE test_results ADD COLUMN iterations_failed_at INTEGER;
ALTER TABLE test_results ADD COLUMN min_available_kib INTEGER;
)sql",
    // 2 -> 3: the libvirt host each cell ran on; '' for rows from before.
    R"sql(
ALTER TABLE cells ADD COLUMN host TEXT NOT NULL DEFAULT '';
)sql",
    // 3 -> 4: what results.json says of the run and each cell (without the
    // tests' details, which test_results.details keeps), so a run reads
    // back whole from history.db when its directory is gone (a CI workspace
    // carries only history.db from one night to the next); cells in matrix
    // order. '' for rows from before: those read back from the columns.
    R"sql(
ALTER TABLE runs ADD COLUMN document TEXT NOT NULL DEFAULT '';
ALTER TABLE cells ADD COLUMN document TEXT NOT NULL DEFAULT '';
ALTER TABLE cells ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
)sql",
};
static_assert(std::size(kMigrations) == kHistorySchemaVersion);

}  // namespace

const char* history_migration(int from) { return from >= 0 && from < kHistorySchemaVersion ? kMigrations[from] : ""; }

std::string RecordedCellKey::label() const {
  return kernel + "/" + kmod + " " + std::to_string(vcpus) + "cpu " + std::to_string(memory_mib) + "M";
}

HistoryStore::HistoryStore(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

HistoryStore::HistoryStore(HistoryStore&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

HistoryStore& HistoryStore::operator=(HistoryStore&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

HistoryStore::~HistoryStore() { sqlite3_close(db_); }

HistoryStore HistoryStore::open(const std::filesystem::path& db_path) {
  std::error_code ec;
  if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path(), ec);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  HistoryStore store(db, db_path);  // closes db on every path below
  if (rc != SQLITE_OK)
    throw HistoryError(db_path.string() +
                       ": cannot open the history database: " + (db ? sqlite3_errmsg(db) : "out of memory") +
                       "\n  fix: check the results directory is writable");
  // A nightly run can hold the write lock for a whole cell's insert; wait.
  sqlite3_busy_timeout(db, 30000);
  store.exec("PRAGMA journal_mode=WAL");
  store.exec("PRAGMA synchronous=NORMAL");  // WAL keeps committed rows across a process crash
  store.exec("PRAGMA foreign_keys=ON");
  store.migrate();
  return store;
}

void HistoryStore::exec(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw HistoryError(path_.string() + ": " + text + sqlite_damage_fix(db_, path_));
  }
}

int HistoryStore::schema_version() const {
  Statement s(db_, "PRAGMA user_version", path_);
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

void HistoryStore::migrate() {
  // Read the version inside the write transaction: another process may have
  // migrated between our open and our lock.
  WriteTransaction tx([this](const std::string& sql) { exec(sql); });
  const int current = schema_version();
  if (current > kHistorySchemaVersion)
    throw HistoryError(path_.string() + ": schema version " + std::to_string(current) +
                       " is newer than this kmod-matrix knows (" + std::to_string(kHistorySchemaVersion) +
                       ")\n  fix: use a newer kmod-matrix, or another --results directory");
  for (int version = current; version < kHistorySchemaVersion; ++version) exec(kMigrations[version]);
  exec("PRAGMA user_version=" + std::to_string(kHistorySchemaVersion));
  tx.commit();
}

namespace {

void upsert_run(sqlite3* db, const std::filesystem::path& path, const RunResult& run) {
  Statement s(db,
              "INSERT INTO runs (run_id, started_at, finished_at, tool_version, matrix_name, matrix_file,"
              " matrix_sha256, hostname, host_cpus, host_memory_mib, host_kernel, qemu_version, libvirt_version,"
              " accel, accel_reason, document) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)"
              " ON CONFLICT (run_id) DO UPDATE SET started_at=excluded.started_at, finished_at=excluded.finished_at,"
              " tool_version=excluded.tool_version, matrix_name=excluded.matrix_name,"
              " matrix_file=excluded.matrix_file, matrix_sha256=excluded.matrix_sha256,"
              " hostname=excluded.hostname, host_cpus=excluded.host_cpus,"
              " host_memory_mib=excluded.host_memory_mib, host_kernel=excluded.host_kernel,"
              " qemu_version=excluded.qemu_version, libvirt_version=excluded.libvirt_version,"
              " accel=excluded.accel, accel_reason=excluded.accel_reason, document=excluded.document",
              path);
  s.bind(1, run.run_id).bind(2, run.started_at).bind(3, run.finished_at).bind(4, run.tool_version);
  s.bind(5, run.matrix_name).bind(6, run.matrix_file).bind(7, run.matrix_sha256).bind(8, run.host.hostname);
  s.bind(9, static_cast<long long>(run.host.cpus)).bind(10, run.host.memory_mib).bind(11, run.host.kernel);
  s.bind(12, run.host.qemu_version).bind(13, run.host.libvirt_version).bind(14, run.accel).bind(15, run.accel_reason);
  s.bind(16, run_header_json(run).dump(-1, ' ', false, json::error_handler_t::replace));
  s.run();
}

// cell_json without what each test's details hold (test_results.details).
std::string cell_document(const CellResult& c) {
  json doc = cell_json(c);
  for (auto& t : doc["tests"]) {
    for (const char* key : kTestDetailKeys) t.erase(key);
  }
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

void replace_cell(sqlite3* db, const std::filesystem::path& path, const std::string& run_id, const CellResult& c) {
  const std::string cell_id = c.cell.id();
  // Deleting the cell cascades to its verdicts: a rerun test or a resumed
  // boot leaves exactly the latest record, never a duplicate.
  Statement(db, "DELETE FROM cells WHERE run_id=?1 AND cell_id=?2", path).bind(1, run_id).bind(2, cell_id).run();
  Statement cell(db,
                 "INSERT INTO cells (run_id, cell_id, kernel_name, kernel_package, kernel_debian_version,"
                 " guest_uname, kmod_name, kmod_version, guest_kmod_version, vcpus, memory_mib, kmod_build,"
                 " modprobe_config_sha256, host, document, position)"
                 " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
                 path);
  cell.bind(1, run_id).bind(2, cell_id).bind(3, c.cell.kernel.name).bind(4, c.kernel_package_or_declared());
  cell.bind(5, c.kernel_debian_version).bind(6, c.guest_uname).bind(7, c.cell.kmod.name);
  cell.bind(8, c.cell.kmod.recorded("version"))
      .bind(9, c.guest_kmod_version)
      .bind(10, static_cast<long long>(c.cell.vcpus));
  cell.bind(11, static_cast<long long>(c.cell.memory_mib))
      .bind(12, c.kmod_build.dump(-1, ' ', false, json::error_handler_t::replace));
  cell.bind(13, c.guest_modprobe_config.value("sha256", std::string())).bind(14, c.host);
  cell.bind(15, cell_document(c)).bind(16, static_cast<long long>(c.cell.index));
  cell.run();
  Statement test(db,
                 "INSERT INTO test_results (run_id, cell_id, test_id, verdict, duration_s, evidence, expected,"
                 " as_expected, details, iterations_planned, iterations_passed, iterations_failed_at,"
                 " min_available_kib) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
                 path);
  for (const auto& t : c.tests) {
    json expected = json::array();
    for (Verdict v : t.expected) expected.push_back(to_string(v));
    test.bind(1, run_id).bind(2, cell_id).bind(3, t.test).bind(4, std::string(to_string(t.verdict)));
    test.bind(5, t.duration_s).bind(6, t.evidence).bind(7, expected.dump());
    test.bind(8, static_cast<long long>(t.as_expected));
    test.bind(9, test_details_json(t.details).dump(-1, ' ', false, json::error_handler_t::replace));
    const auto& iterations = t.details.iterations;
    const auto& memory = t.details.memory;
    test.bind(10, iterations ? std::optional(iterations->planned) : std::nullopt);
    test.bind(11, iterations ? std::optional(iterations->passed) : std::nullopt);
    test.bind(12, iterations ? iterations->failed_at : std::nullopt);
    test.bind(13, memory ? memory->min_available_kib : std::nullopt);
    test.run();
    test.reset();
  }
}

}  // namespace

void HistoryStore::record_run_header(const RunResult& run) {
  WriteTransaction tx([this](const std::string& sql) { exec(sql); });
  upsert_run(db_, path_, run);
  tx.commit();
}

void HistoryStore::record_cell(const RunResult& run, const CellResult& cell) {
  WriteTransaction tx([this](const std::string& sql) { exec(sql); });
  upsert_run(db_, path_, run);  // a cell never lands without its run's row
  replace_cell(db_, path_, run.run_id, cell);
  tx.commit();
}

void HistoryStore::record_run(const RunResult& run) {
  WriteTransaction tx([this](const std::string& sql) { exec(sql); });
  upsert_run(db_, path_, run);
  for (const auto& cell : run.cells) replace_cell(db_, path_, run.run_id, cell);
  tx.commit();
}

}  // namespace kmx
