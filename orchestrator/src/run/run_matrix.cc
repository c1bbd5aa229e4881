#include "run/run_matrix.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "results/results_json.h"
#include "run/cell_runner.h"
#include "run/stale_domains.h"

namespace kmx {

std::string new_run_id(int pid) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return std::string(buf) + "-" + std::to_string(pid);
}

RunResult run_matrix(const Matrix& matrix, ImageSource& images, VmDriver& driver, Clock& clock,
                     const RunSettings& settings) {
  RunResult run;
  run.run_id = settings.run_id;
  run.matrix_name = matrix.name;
  run.matrix_file = matrix.file.string();
  run.started_at = utc_timestamp();

  for (const auto& name : destroy_stale_domains(driver)) spdlog::warn("destroyed stale domain {} of a dead run", name);

  const std::vector<Cell> cells = expand_cells(matrix);
  // Images first, for every cell: an unknown kernel is bad input and must
  // stop the run before any VM boots (UnknownInputError propagates).
  std::map<int, Image> image_of;
  std::map<int, std::string> image_error;
  for (const auto& cell : cells) {
    try {
      image_of[cell.index] = images.image_for(cell);
    } catch (const UnknownInputError&) {
      throw;
    } catch (const ImageError& e) {
      image_error[cell.index] = e.what();
      spdlog::error("[{}] no image: {}", cell.id(), e.what());
    }
  }

  AccelChoice accel{Accel::kTcg, "no image to probe KVM with"};
  if (!image_of.empty()) accel = settings.choose_accel(image_of.begin()->second);
  run.accel = std::string(to_string(accel.accel));
  run.accel_reason = accel.reason;
  spdlog::info("accelerator: {} ({})", run.accel, accel.reason);

  std::vector<std::optional<CellResult>> results(cells.size());
  std::mutex mutex;
  std::size_t next = 0;
  auto publish = [&](std::size_t index, CellResult result) {
    std::lock_guard lock(mutex);
    results[index] = std::move(result);
    run.cells.clear();
    for (const auto& r : results)
      if (r) run.cells.push_back(*r);
    write_results_json(run, settings.run_dir);
    spdlog::info("progress: {}/{} cells done", run.cells.size(), cells.size());
  };
  auto worker = [&]() {
    while (true) {
      std::size_t index;
      {
        std::lock_guard lock(mutex);
        if (next >= cells.size() || (settings.stop && *settings.stop)) return;
        index = next++;
      }
      const Cell& cell = cells[index];
      if (auto err = image_error.find(cell.index); err != image_error.end()) {
        publish(index, failed_cell(matrix, cell, err->second));
        continue;
      }
      CellContext ctx{driver, clock, matrix, settings.run_id, settings.owner_pid, settings.run_dir, accel.accel};
      ctx.stop = settings.stop;
      publish(index, run_cell(ctx, cell, image_of.at(cell.index)));
    }
  };
  const int jobs = std::max(1, std::min<int>(settings.jobs, static_cast<int>(cells.size())));
  std::vector<std::thread> workers;
  for (int i = 1; i < jobs; ++i) workers.emplace_back(worker);
  worker();
  for (auto& t : workers) t.join();

  run.finished_at = utc_timestamp();
  write_results_json(run, settings.run_dir);
  return run;
}

}  // namespace kmx
