// What the harness itself costs per cell as matrices grow: run_matrix over
// a generated matrix of CELLS cells (kernels x 5 kmods x 2 vcpus x 10
// memory sizes, two passing tests per cell, one boot each), with the unit
// tests' scripted VM driver and fake clock, a fixed image, and the real
// writers (results.json with its journal, matrix.txt, history.db) into a
// temporary run directory. Prints CPU time (user + sys) and wall time, in
// total and per cell.
//
// Each argument is MODE:CELLS, CELLS a multiple of 100. MODE `journal` is
// kmod-matrix's writers as shipped; `rewrite` adds a bench-only writer that
// re-renders results.json from every cell so far after every boot, as the
// writer did before the journal, to show the cost that grows with the run.
//
//   ./build/bench/kmx-fake-run-bench journal:1000 rewrite:1000 journal:10000
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "builtin_matrix.h"
#include "fake_host.h"
#include "fakes.h"
#include "reports/matrix_text_writer.h"
#include "run/run_matrix.h"
#include "store/history_writer.h"
#include "store/results_json.h"
#include "store/results_json_writer.h"
#include "store/run_lookup.h"

namespace {

using namespace kmx;
using namespace kmx::testing;

const char* const kTests[] = {"kmod:0001", "kmod:0002"};

std::string generated_matrix(int kernels) {
  std::string text =
      "name = \"fake-run\"\ntests = [\"kmod:0001\", \"kmod:0002\"]\nvcpus = [1, 2]\n"
      "memory_mib = [256, 288, 320, 352, 384, 416, 448, 480, 512, 544]\n[limits]\nmax_cells = 1000000\n";
  for (int k = 1; k <= kernels; ++k)
    text += "[[kernel]]\nname = \"k" + std::to_string(k) + "\"\npackage = \"linux-image-6.1.0-56-amd64\"\n";
  for (int m = 1; m <= 5; ++m) text += "[[kmod]]\nname = \"kmod" + std::to_string(m) + "\"\nsource = \"host\"\n";
  return text;
}

// One boot that runs both tests and ends at the agent's `done`.
ScriptedBoot passing_boot() {
  ScriptedBoot boot;
  boot.agent.push_back(ev_boot());
  boot.console.push_back("[    1.0] Run /init as init process\n");
  for (const char* test : kTests) {
    boot.agent.push_back(ev_start(test) + ev_end(test, 0));
    boot.console.push_back(begin_marker(test) + end_marker(test));
  }
  boot.agent.push_back(ev_done());
  boot.running_polls = 3;
  return boot;
}

class FixedImageSource : public ImageSource {
 public:
  Image image_for(const Cell&) override {
    return Image{"img-bench", "6.1.0-56-amd64", "/cache/vmlinuz", "/cache/initrd.cpio"};
  }
  std::vector<std::string> resolve_inputs(const Matrix&) override { return {}; }
};

// The writer as it was before the journal: all of results.json after every boot.
class RewritingWriter : public RunWriter {
 public:
  explicit RewritingWriter(std::filesystem::path run_dir) : run_dir_(std::move(run_dir)) {}
  void on_cell(const RunResult& run, const CellResult&) override { write_results_json(run, run_dir_); }
  void on_finish(const RunResult& run) override { write_results_json(run, run_dir_); }

 private:
  std::filesystem::path run_dir_;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int run_once(const std::string& mode, int cells) {
  const Matrix matrix = parse_matrix_text(generated_matrix(cells / 100), "fake-run.toml");
  FakeVmDriver driver;
  for (int i = 0; i < cells; ++i) driver.add_boot(passing_boot());
  FakeClock clock;
  FixedImageSource images;
  ScratchDir results;
  RunSettings settings;
  settings.run_id = "20261202-000000-" + std::to_string(cells);
  settings.run_dir = results.path() / settings.run_id;
  settings.owner_pid = 1;
  settings.hosts = {fake_host(driver)};
  ResultsJsonWriter json_writer(settings.run_dir);
  MatrixTextWriter text_writer(settings.run_dir);
  HistoryWriter history_writer(history_db_path(results.path()));
  RewritingWriter rewriting_writer(settings.run_dir);
  settings.writers = {&json_writer, &text_writer, &history_writer};
  if (mode == "rewrite") settings.writers.push_back(&rewriting_writer);

  const double cpu_before = cpu_seconds();
  const auto wall_before = std::chrono::steady_clock::now();
  const RunResult run = run_matrix(matrix, images, clock, settings);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  const double cpu = cpu_seconds() - cpu_before;
  const std::size_t passed = read_run_result(settings.run_dir).cells.size();
  std::printf("%-8s %6d cells: cpu %8.2f s (%7.3f ms/cell)  wall %8.2f s (%7.3f ms/cell)  results.json cells %zu\n",
              mode.c_str(), cells, cpu, 1000 * cpu / cells, wall, 1000 * wall / cells, passed);
  std::fflush(stdout);
  return passed == static_cast<std::size_t>(cells) && run.unexpected_count() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // a line per test would measure the terminal
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto colon = arg.find(':');
    const std::string mode = arg.substr(0, colon);
    const int cells = colon == std::string::npos ? 0 : std::atoi(arg.c_str() + colon + 1);
    if ((mode != "journal" && mode != "rewrite") || cells <= 0 || cells % 100 != 0) {
      std::fprintf(stderr, "%s: expected MODE:CELLS (MODE journal or rewrite, CELLS a multiple of 100), got %s\n",
                   argv[0], argv[i]);
      return 2;
    }
    status |= run_once(mode, cells);
  }
  return status;
}
