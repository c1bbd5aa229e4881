// How long `history TEST` takes on a big history.db: fills a database with
// RUNS nightly runs of 20 cells x 20 tests (100k verdicts for 250 runs),
// then times the query and fold for one test, best of 5.
//
//   ./build/bench/kmx-history-bench [RUNS] [DB]   (default 250, a temp file)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "analysis/test_history.h"
#include "store/history_store.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

kmx::RunResult nightly(int night) {
  kmx::RunResult run;
  char id[48], started[48];
  std::snprintf(id, sizeof id, "2026%04d-230000-%d", night, night);
  std::snprintf(started, sizeof started, "2026-%02d-%02dT23:00:00Z", 1 + night / 28 % 12, 1 + night % 28);
  run.run_id = id;
  run.started_at = started;
  run.matrix_name = "nightly";
  run.accel = "kvm";
  const char* kernels[] = {"debian-6.1", "debian-6.12", "debian-7.2", "source-next", "build-dir-rc"};
  const char* kmods[] = {"kmod-30", "kmod-34"};
  for (const char* kernel : kernels)
    for (const char* kmod : kmods)
      for (int vcpus : {1, 2}) {
        kmx::CellResult cell;
        cell.cell.kernel.name = kernel;
        cell.cell.kmod.name = kmod;
        cell.cell.vcpus = vcpus;
        cell.cell.memory_mib = 1024;
        for (int t = 1; t <= 20; ++t) {
          kmx::TestResult r;
          char test[16];
          std::snprintf(test, sizeof test, "kmod:%04d", t);
          r.test = test;
          // A verdict that changes now and then, as real history does.
          r.verdict = (night / 40 + t) % 7 == 0 ? kmx::Verdict::kFail : kmx::Verdict::kPass;
          r.evidence = "agent: exit status " + std::to_string(r.verdict == kmx::Verdict::kPass ? 0 : 1);
          r.duration_s = 1.5;
          r.expected = {kmx::Verdict::kPass};
          cell.tests.push_back(r);
        }
        run.cells.push_back(cell);
      }
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 250;
  const std::filesystem::path db =
      argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path() / "kmx-history-bench.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);

  auto store = kmx::HistoryStore::open(db);
  const auto fill_start = Clock::now();
  for (int night = 0; night < runs; ++night) store.record_run(nightly(night));
  const double fill_s = seconds_since(fill_start);
  const long results = static_cast<long>(runs) * 20 * 20;

  double best = 1e9;
  std::size_t rows = 0, cells = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto reopened = kmx::HistoryStore::open(db);  // as the `history` command does
    const auto start = Clock::now();
    const auto history = kmx::query_test_history(reopened, {"kmod:0007", "", ""});
    const std::string text = kmx::render_test_history_text(history);
    best = std::min(best, seconds_since(start));
    cells = history.cells.size();
    rows = 0;
    for (const auto& c : history.cells)
      for (const auto& s : c.spans) rows += static_cast<std::size_t>(s.runs);
  }
  std::printf(
      "%ld recorded test results (%d runs) filled in %.1f s; history kmod:0007: %zu verdicts in %zu cells, "
      "best of 5: %.1f ms\n",
      results, runs, fill_s, rows, cells, best * 1000);
  if (argc <= 2)
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
  return best < 1.0 ? 0 : 1;
}
