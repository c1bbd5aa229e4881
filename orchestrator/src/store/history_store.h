// <results>/history.db: every run's header, cells and verdicts in SQLite, so
// compare and history can look across nights without reading every
// results.json. WAL mode with a busy timeout: concurrent runs writing the
// same file wait for each other instead of losing rows.
#pragma once

#include <compare>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/run_result.h"

struct sqlite3;

namespace kmx {

// Thrown for any database problem; what() names the file and how to fix it.
class HistoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One row of the runs table: what runs_of_matrix and previous_run return.
struct RecordedRun {
  std::string run_id;
  std::string started_at;
  std::string finished_at;
  std::string matrix_name;
  std::string matrix_sha256;
  std::string tool_version;
  std::string accel;
};

// The cell a verdict belongs to, as compare and history match cells.
struct RecordedCellKey {
  std::string kernel;
  std::string kmod;
  int vcpus = 0;
  int memory_mib = 0;

  std::string label() const;  // "debian-6.12/kmod-30 2cpu 1024M"
  auto operator<=>(const RecordedCellKey&) const = default;
};

// One verdict of one test in one cell of one run.
struct RecordedVerdict {
  std::string run_id;
  std::string started_at;
  RecordedCellKey cell;
  Verdict verdict = Verdict::kError;
  std::string evidence;
  double duration_s = 0;
  // kmod.sh rounds and the lowest MemAvailable (KiB) during the test; empty
  // when the test did not report them or was recorded before schema 2.
  std::optional<long long> iterations_planned;
  std::optional<long long> iterations_passed;
  std::optional<long long> iterations_failed_at;
  std::optional<long long> min_available_kib;
  std::string test;  // the test id (verdict_timeline's are all of one test)
};

// What a cell of a run tested: the kernel and kmod builds behind a verdict.
struct RecordedCellBuild {
  RecordedCellKey cell;
  std::string kernel_package;  // the package a meta-package resolved to, or the declared one
  std::string kernel_debian_version;
  std::string guest_uname;
  std::string guest_kmod_version;
};

// Which runs count: the last `last_runs` (0: every one), from `since` on
// (an ISO 8601 date or time, "" for no bound); both when both are given.
struct HistoryWindow {
  int last_runs = 0;
  std::string since;
};

struct TimelineFilter {
  std::string test;    // required: the test id, e.g. "kmod:0009"
  std::string kernel;  // "" = every kernel
  std::string kmod;    // "" = every kmod
  HistoryWindow window;
};

class HistoryStore {
 public:
  // Creates the file and its directory when missing, enables WAL and
  // applies pending schema migrations. Throws HistoryError.
  static HistoryStore open(const std::filesystem::path& db_path);

  HistoryStore(HistoryStore&& other) noexcept;
  HistoryStore& operator=(HistoryStore&& other) noexcept;
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;
  ~HistoryStore();

  // The schema version after migrations (kHistorySchemaVersion).
  int schema_version() const;

  // Inserts or updates the run's row (id, times, tool, matrix, host). Call
  // when the run starts and again when it finishes.
  void record_run_header(const RunResult& run);

  // Replaces everything recorded for this cell of this run (cell facts and
  // all its verdicts) in one transaction: call it after every boot; calling
  // it twice with the same data changes nothing.
  void record_cell(const RunResult& run, const CellResult& cell);

  // Header and every cell: what `import` of an old results.json needs.
  void record_run(const RunResult& run);

  // Oldest first.
  std::vector<RecordedRun> runs_of_matrix(const std::string& matrix_name) const;

  // The latest run of the same matrix that started before this one.
  std::optional<RecordedRun> previous_run(const std::string& run_id) const;

  // Every recorded verdict of a test, ordered by cell, then run start time.
  std::vector<RecordedVerdict> verdict_timeline(const TimelineFilter& filter) const;

  // Every matrix name recorded, the one run most recently first.
  std::vector<std::string> matrix_names() const;

  // Every test id, kernel name and kmod name recorded, sorted: what a
  // mistyped filter is told to choose from.
  std::vector<std::string> test_ids() const;
  std::vector<std::string> kernel_names() const;
  std::vector<std::string> kmod_names() const;

  // Every verdict of every test of the matrix's runs that started at or
  // after `since` (ISO 8601; "" for all), by run start, then cell, then test.
  std::vector<RecordedVerdict> matrix_verdicts(const std::string& matrix_name, const std::string& since) const;

  // The builds each cell of a run tested, by cell.
  std::vector<RecordedCellBuild> cell_builds(const std::string& run_id) const;

  // What history.db keeps of one run, in results.json's shape (the header's
  // keys and "cells", each with its "tests" and their details), so the run
  // reads back without its directory (read_run_result's checks apply:
  // store/run_lookup.h load_run). Rows recorded before schema 4 are
  // rebuilt from their columns: verdicts, evidence, details and the cells'
  // configuration, without logs or boots. nullopt when not recorded.
  std::optional<nlohmann::json> run_document(const std::string& run_id) const;

 private:
  HistoryStore(sqlite3* db, std::filesystem::path path);
  void exec(const std::string& sql) const;
  void migrate();

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

inline constexpr int kHistorySchemaVersion = 4;

// The SQL that brings a database from schema version `from` to `from` + 1,
// for tests that build the database an older kmod-matrix wrote.
const char* history_migration(int from);

}  // namespace kmx
