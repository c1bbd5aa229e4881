#include "run/run_matrix.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
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

  // Cells finished earlier (resume) or as they progress; published after
  // every boot so a killed run loses at most the boot in flight.
  std::vector<std::optional<CellResult>> results(cells.size());
  for (const auto& cell : cells)
    if (auto it = settings.previous.find(cell.id()); it != settings.previous.end()) {
      results[cell.index] = it->second;
      results[cell.index]->cell = cell;
    }
  std::mutex mutex;
  std::condition_variable changed;
  auto publish = [&](std::size_t index, const CellResult& result) {
    std::lock_guard lock(mutex);
    results[index] = result;
    run.cells.clear();
    for (const auto& r : results)
      if (r) run.cells.push_back(*r);
    write_results_json(run, settings.run_dir);
  };

  std::vector<CellDemand> demands;
  for (const auto& cell : cells) demands.push_back({cell.vcpus, cell.memory_mib});
  CellScheduler scheduler(settings.budget, demands);
  std::size_t done = 0;
  const auto started = clock.now();
  auto run_one = [&](std::size_t index) {
    const Cell& cell = cells[index];
    const CellResult previous = results[index].value_or(CellResult{});
    if (auto err = image_error.find(cell.index); err != image_error.end()) {
      publish(index, failed_cell(matrix, cell, err->second));
      return;
    }
    CellContext ctx{driver, clock, matrix, settings.run_id, settings.owner_pid, settings.run_dir, accel.accel};
    ctx.stop = settings.stop;
    publish(index, run_cell(ctx, cell, image_of.at(cell.index), previous,
                            [&](const CellResult& partial) { publish(index, partial); }));
  };

  std::vector<std::thread> threads;
  std::unique_lock lock(mutex);
  while (!scheduler.all_started() || scheduler.running() > 0) {
    while (!(settings.stop && *settings.stop)) {
      auto next = scheduler.start_next();
      if (!next) break;
      spdlog::info("progress: {} done, {} running, {} queued, {:.0f} s elapsed; starting {}", done,
                   scheduler.running() - 1, cells.size() - done - scheduler.running(),
                   seconds_between(started, clock.now()), cells[*next].id());
      threads.emplace_back([&, index = *next] {
        run_one(index);
        std::lock_guard finished(mutex);
        scheduler.finished(index);
        ++done;
        changed.notify_all();
      });
    }
    if (scheduler.running() == 0) break;  // stopped, or nothing left
    changed.wait(lock);
  }
  lock.unlock();
  for (auto& t : threads) t.join();
  spdlog::info("progress: {} of {} cells done in {:.0f} s", done, cells.size(), seconds_between(started, clock.now()));

  run.finished_at = utc_timestamp();
  write_results_json(run, settings.run_dir);
  return run;
}

}  // namespace kmx
