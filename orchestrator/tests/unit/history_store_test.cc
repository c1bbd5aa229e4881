// results/history_store: runs, cells and verdicts in SQLite, idempotent
// per-cell upserts, migrations, and concurrent writers losing nothing.
#include "store/history_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "fakes.h"
#include "os/files.h"
#include "sample_runs.h"
#include "store/results_json.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;

long long count_rows(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(db_path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  const long long n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

TEST(HistoryStore, OpenCreatesTheFileAtTheCurrentSchemaInWalMode) {
  ScratchDir dir;
  const auto path = dir.path() / "results" / "history.db";
  auto store = HistoryStore::open(path);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(store.schema_version(), kHistorySchemaVersion);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(HistoryStore, ReopeningKeepsDataAndDoesNotMigrateTwice) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  HistoryStore::open(path).record_run(sample_nightly("n1", "2026-11-20T23:00:00Z"));
  auto store = HistoryStore::open(path);
  EXPECT_EQ(store.runs_of_matrix("nightly").size(), 1u);
  EXPECT_EQ(store.schema_version(), kHistorySchemaVersion);
}

TEST(HistoryStore, DatabaseFromANewerToolIsRefusedWithAFix) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  HistoryStore::open(path);
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  try {
    HistoryStore::open(path);
    FAIL() << "expected HistoryError";
  } catch (const HistoryError& e) {
    EXPECT_THAT(e.what(), HasSubstr("newer"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

TEST(HistoryStore, UnopenablePathIsAnErrorNamingIt) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "history.db");  // a directory, not a file
  EXPECT_THROW(HistoryStore::open(dir.path() / "history.db"), HistoryError);
}

TEST(HistoryStore, RecordCellTwiceKeepsOneCopy) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  auto store = HistoryStore::open(path);
  RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  store.record_run_header(run);
  store.record_cell(run, run.cells[0]);
  store.record_cell(run, run.cells[0]);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM cells"), 1);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM test_results"), 2);
}

TEST(HistoryStore, RecordCellReplacesAVerdictDecidedAgain) {
  ScratchDir dir;
  auto store = HistoryStore::open(dir.path() / "history.db");
  RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  run.cells[0].tests.resize(1);  // first boot decided one test
  store.record_cell(run, run.cells[0]);
  run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  run.cells[0].tests[1].verdict = Verdict::kFail;
  store.record_cell(run, run.cells[0]);
  const auto timeline = store.verdict_timeline({"kmod:0009", "debian-6.1", ""});
  ASSERT_EQ(timeline.size(), 1u);
  EXPECT_EQ(timeline[0].verdict, Verdict::kFail);
}

TEST(HistoryStore, KeepsHostCellAndTestFacts) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  HistoryStore::open(path).record_run(sample_nightly("n1", "2026-11-20T23:00:00Z"));
  EXPECT_EQ(count_rows(path, "SELECT host_cpus FROM runs WHERE hostname='ci-runner-3' AND qemu_version='7.2.0'"), 2);
  EXPECT_EQ(count_rows(path,
                       "SELECT count(*) FROM cells WHERE kernel_debian_version='6.1.158-1'"
                       " AND guest_uname='6.1.0-56-amd64' AND kmod_version='30+20221128-1'"),
            2);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM test_results WHERE expected='[\"PASS\"]' AND as_expected=1"), 4);
}

TEST(HistoryStore, RunsOfMatrixOldestFirstAndPreviousRun) {
  ScratchDir dir;
  auto store = HistoryStore::open(dir.path() / "history.db");
  store.record_run(sample_nightly("n3", "2026-11-22T23:00:00Z"));
  store.record_run(sample_nightly("n1", "2026-11-20T23:00:00Z"));
  store.record_run(sample_nightly("n2", "2026-11-21T23:00:00Z"));
  RunResult other = sample_nightly("s1", "2026-11-21T12:00:00Z");
  other.matrix_name = "smoke";
  store.record_run(other);
  const auto runs = store.runs_of_matrix("nightly");
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].run_id, "n1");
  EXPECT_EQ(runs[2].run_id, "n3");
  EXPECT_EQ(runs[2].matrix_sha256, "5f1d");
  ASSERT_TRUE(store.previous_run("n3").has_value());
  EXPECT_EQ(store.previous_run("n3")->run_id, "n2");  // not the smoke run in between
  EXPECT_FALSE(store.previous_run("n1").has_value());
  EXPECT_FALSE(store.previous_run("unknown").has_value());
}

TEST(HistoryStore, TimelineIsPerCellInRunOrderAndFiltered) {
  ScratchDir dir;
  auto store = HistoryStore::open(dir.path() / "history.db");
  for (int night = 1; night <= 3; ++night) {
    RunResult run = sample_nightly("n" + std::to_string(night), "2026-11-2" + std::to_string(night) + "T23:00:00Z");
    if (night == 3) run.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kFail, "agent: exit status 1");
    store.record_run(run);
  }
  const auto all = store.verdict_timeline({"kmod:0009", "", ""});
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[0].cell.kernel, "debian-6.1");
  EXPECT_EQ(all[3].cell.kernel, "debian-6.12");
  EXPECT_EQ(all[5].run_id, "n3");
  EXPECT_EQ(all[5].verdict, Verdict::kFail);
  EXPECT_EQ(all[5].evidence, "agent: exit status 1");
  EXPECT_EQ(store.verdict_timeline({"kmod:0009", "debian-6.12", ""}).size(), 3u);
  EXPECT_EQ(store.verdict_timeline({"kmod:0009", "", "kmod-31"}).size(), 0u);
}

TEST(HistoryStore, RoundsAndMemoryLowPointAreColumnsNullWhereNotReported) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  auto store = HistoryStore::open(path);
  RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  set_detail(run.cells[1].tests[1].details, "iterations", {{"planned", 150}, {"passed", 0}, {"failed_at", 1}});
  store.record_run(run);
  EXPECT_EQ(count_rows(path,
                       "SELECT count(*) FROM test_results WHERE iterations_planned=150 AND iterations_passed=150"
                       " AND iterations_failed_at IS NULL AND min_available_kib=401200"),
            1);
  EXPECT_EQ(count_rows(path,
                       "SELECT count(*) FROM test_results WHERE iterations_failed_at=1 AND iterations_passed=0"
                       " AND min_available_kib IS NULL"),
            1);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM test_results WHERE iterations_planned IS NULL"), 2);
  const auto timeline = store.verdict_timeline({"kmod:0009", "", ""});
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline[0].iterations_planned, 150);
  EXPECT_EQ(timeline[0].min_available_kib, 401200);
  EXPECT_EQ(timeline[1].iterations_failed_at, 1);
  EXPECT_FALSE(timeline[1].min_available_kib);
  EXPECT_FALSE(store.verdict_timeline({"kmod:0001", "", ""})[0].iterations_planned);
}

TEST(HistoryStore, MistypedRoundsAreStoredAsNull) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  set_detail(run.cells[0].tests[1].details, "iterations", "x");
  set_detail(run.cells[0].tests[1].details, "memory", {{"samples", {"a"}}});
  HistoryStore::open(path).record_run(run);
  EXPECT_EQ(count_rows(path,
                       "SELECT count(*) FROM test_results WHERE iterations_planned IS NULL"
                       " AND min_available_kib IS NULL"),
            4);
}

TEST(HistoryStore, ADatabaseOfSchemaOneUpgradesAndKeepsItsRows) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string v1 = std::string(history_migration(0)) +
                         "INSERT INTO runs (run_id, started_at, matrix_name) VALUES ('old', '2026-11-01T01:00:00Z',"
                         " 'nightly');"
                         "INSERT INTO cells (run_id, cell_id, kernel_name, kmod_name, vcpus, memory_mib)"
                         " VALUES ('old', 'c', 'debian-6.12', 'kmod-30', 2, 1024);"
                         "INSERT INTO test_results (run_id, cell_id, test_id, verdict) VALUES ('old', 'c',"
                         " 'kmod:0009', 'FAIL');"
                         "PRAGMA user_version=1;";
  ASSERT_EQ(sqlite3_exec(db, v1.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);

  auto store = HistoryStore::open(path);
  EXPECT_EQ(store.schema_version(), kHistorySchemaVersion);
  RunResult run = sample_nightly("new", "2026-11-21T23:00:00Z");
  set_detail(run.cells[1].tests[1].details, "iterations", {{"planned", 150}, {"passed", 20}, {"failed_at", 21}});
  store.record_run(run);
  const auto timeline = store.verdict_timeline({"kmod:0009", "debian-6.12", ""});
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline[0].run_id, "old");
  EXPECT_EQ(timeline[0].verdict, Verdict::kFail);
  EXPECT_FALSE(timeline[0].iterations_planned);
  EXPECT_EQ(timeline[1].iterations_failed_at, 21);
  EXPECT_EQ(timeline[1].iterations_passed, 20);
}

TEST(HistoryStore, EachCellKeepsTheHostItRanOn) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  RunResult run = sample_nightly("r1", "2026-11-21T23:00:00Z");
  run.cells[0].host = "qemu+ssh://lab1/system";
  HistoryStore::open(path).record_run(run);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM cells WHERE host = 'qemu+ssh://lab1/system'"), 1);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM cells WHERE host = ''"),
            static_cast<long long>(run.cells.size()) - 1);
}

// Each writer has its own connection, as two kmod-matrix processes would.
RunResult writer_run(int writer, int index) {
  return sample_nightly("w" + std::to_string(writer) + "-" + std::to_string(index),
                        "2026-11-20T23:00:" + std::to_string(10 + index) + "Z");
}

TEST(HistoryStore, TwoThreadsWritingTheSameDatabaseLoseNothing) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  HistoryStore::open(path);
  constexpr int kRunsPerWriter = 25;
  auto writer = [&](int id) {
    auto store = HistoryStore::open(path);
    for (int i = 0; i < kRunsPerWriter; ++i) {
      RunResult run = writer_run(id, i);
      for (const auto& cell : run.cells) store.record_cell(run, cell);
    }
  };
  std::thread a(writer, 1), b(writer, 2);
  a.join();
  b.join();
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM runs"), 2 * kRunsPerWriter);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM test_results"), 2 * kRunsPerWriter * 4);
}

TEST(HistoryStore, TwoProcessesWritingTheSameDatabaseLoseNothing) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  HistoryStore::open(path);
  constexpr int kRunsPerWriter = 20;
  std::vector<pid_t> children;
  for (int id = 1; id <= 2; ++id) {
    const pid_t pid = fork();
    ASSERT_NE(pid, -1);
    if (pid == 0) {
      int status = 0;
      try {
        auto store = HistoryStore::open(path);
        for (int i = 0; i < kRunsPerWriter; ++i) {
          RunResult run = writer_run(id, i);
          for (const auto& cell : run.cells) store.record_cell(run, cell);
        }
      } catch (...) {
        status = 1;
      }
      _exit(status);  // no gtest teardown in the child
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM runs"), 2 * kRunsPerWriter);
  EXPECT_EQ(count_rows(path, "SELECT count(*) FROM test_results"), 2 * kRunsPerWriter * 4);
}

// Issue 25: a damaged database is named as such, with what to do.
TEST(HistoryStore, ADamagedFileIsSaidToBeDamagedWithAFix) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "history.db", std::string(8192, 'x'));
  try {
    HistoryStore::open(dir.path() / "history.db");
    FAIL() << "no error";
  } catch (const HistoryError& e) {
    EXPECT_THAT(e.what(), HasSubstr("the history database is damaged"));
    EXPECT_THAT(e.what(), HasSubstr("mv " + (dir.path() / "history.db").string()));
    EXPECT_THAT(e.what(), HasSubstr("kmod-matrix import"));
  }
}

// Issue 29: a run reads back from history.db alone, as results.json has it,
// when its directory is gone (a CI workspace carries only history.db).
TEST(HistoryStore, ARunReadsBackAsResultsJsonHasIt) {
  ScratchDir dir;
  auto store = HistoryStore::open(dir.path() / "history.db");
  RunResult run = sample_nightly("n1", "2026-11-21T23:00:00Z");
  run.cells[1].tests[1].evidence = "agent: exit status 1";
  run.cells[1].tests[1].rounds = 20;
  store.record_run(run);
  const auto doc = store.run_document("n1");
  ASSERT_TRUE(doc);
  const RunResult back = run_result_from_json(*doc);
  EXPECT_EQ(to_json(back), to_json(run));  // details, logs, boots, header: all of it
  EXPECT_FALSE(store.run_document("n2"));
}

// Rows an older kmod-matrix recorded (before schema 4) read back from their
// columns: verdicts, evidence, details, the cells' configuration.
TEST(HistoryStore, ARunRecordedBeforeSchemaFourReadsBackFromItsColumns) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string v3 =
      std::string(history_migration(0)) + history_migration(1) + history_migration(2) +
      "INSERT INTO runs (run_id, started_at, matrix_name, matrix_sha256, accel) VALUES ('old',"
      " '2026-11-01T01:00:00Z', 'nightly', 'ab', 'tcg');"
      "INSERT INTO cells (run_id, cell_id, kernel_name, kernel_package, kmod_name, vcpus, memory_mib, kmod_build,"
      " modprobe_config_sha256) VALUES ('old', 'debian-6.12.kmod-30.2cpu.1024M', 'debian-6.12',"
      " 'linux-image-6.12.9-amd64', 'kmod-30', 2, 1024, '{\"prefix\": \"/usr\"}', 'cd');"
      "INSERT INTO test_results (run_id, cell_id, test_id, verdict, evidence, expected, as_expected, details)"
      " VALUES ('old', 'debian-6.12.kmod-30.2cpu.1024M', 'kmod:0009', 'FAIL', 'agent: exit status 1', '[\"PASS\"]',"
      " 0, '{\"iterations\": {\"planned\": 150, \"passed\": 0, \"failed_at\": 1}}');"
      "PRAGMA user_version=3;";
  ASSERT_EQ(sqlite3_exec(db, v3.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  const auto doc = HistoryStore::open(path).run_document("old");
  ASSERT_TRUE(doc);
  const RunResult back = run_result_from_json(*doc);
  EXPECT_EQ(back.matrix_name, "nightly");
  EXPECT_EQ(back.accel, "tcg");
  ASSERT_EQ(back.cells.size(), 1u);
  EXPECT_EQ(back.cells[0].cell.id(), "debian-6.12.kmod-30.2cpu.1024M");
  EXPECT_EQ(back.cells[0].kernel_package, "linux-image-6.12.9-amd64");
  EXPECT_EQ(back.cells[0].kmod_build["prefix"], "/usr");
  EXPECT_EQ(back.cells[0].guest_modprobe_config["sha256"], "cd");
  ASSERT_EQ(back.cells[0].tests.size(), 1u);
  const TestResult& t = back.cells[0].tests[0];
  EXPECT_EQ(t.verdict, Verdict::kFail);
  EXPECT_EQ(t.evidence, "agent: exit status 1");
  EXPECT_EQ(t.expected, std::vector<Verdict>{Verdict::kPass});
  EXPECT_EQ(details_json(t.details)["iterations"]["failed_at"], 1);
}

// What history.db holds is read as crafted: a run document naming a path
// out of the run, or a kernel that is no name, is refused or dropped as a
// results.json would be.
TEST(HistoryStore, ACraftedDocumentIsReadWithResultsJsonsChecks) {
  ScratchDir dir;
  const auto path = dir.path() / "history.db";
  RunResult run = sample_nightly("n1", "2026-11-21T23:00:00Z");
  HistoryStore::open(path).record_run(run);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string sql =
      "UPDATE cells SET document = json_set(document, '$.tests[0].log', '../../etc/passwd');"
      "UPDATE test_results SET details = '" +
      deep + "';";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  const RunResult back = run_result_from_json(*HistoryStore::open(path).run_document("n1"));
  EXPECT_EQ(back.cells[0].tests[0].log, "");
  EXPECT_FALSE(
      details_json(back.cells[0].tests[1].details).contains("iterations"));  // the deep details were not parsed
}

}  // namespace
}  // namespace kmx
