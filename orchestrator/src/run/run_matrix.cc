#include "run/run_matrix.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "os/files.h"
#include "run/cell_pool.h"
#include "run/cell_runner.h"
#include "run/run_recorder.h"
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

namespace {

struct CellImages {
  std::map<int, Image> image;
  std::map<int, std::string> error;  // the cell runs as ERROR with this cause
};

// Images first, for every cell: an unknown kernel is bad input and must
// stop the run before any VM boots (UnknownInputError propagates).
CellImages prepare_images(const std::vector<Cell>& cells, ImageSource& images) {
  CellImages out;
  for (const auto& cell : cells) {
    try {
      out.image[cell.index] = images.image_for(cell);
    } catch (const UnknownInputError&) {
      throw;
    } catch (const std::exception& e) {  // ImageError, or the cache's disk
      out.error[cell.index] = e.what();
      spdlog::error("[{}] no image: {}", cell.id(), e.what());
    }
  }
  return out;
}

}  // namespace

RunResult run_matrix(const Matrix& matrix, ImageSource& images, VmDriver& driver, Clock& clock,
                     const RunSettings& settings) {
  RunResult run;
  run.run_id = settings.run_id;
  run.matrix_name = matrix.name;
  run.matrix_file = matrix.file.string();
  run.tool_version = settings.tool_version;
  run.matrix_sha256 = settings.matrix_sha256;
  run.host = settings.host;
  run.started_at = utc_timestamp();

  for (const auto& name : destroy_stale_domains(driver)) spdlog::warn("destroyed stale domain {} of a dead run", name);

  run.shard = settings.shard;
  std::vector<Cell> cells = expand_cells(matrix);
  if (settings.shard)
    std::erase_if(cells, [&](const Cell& cell) {
      const auto& mine = settings.shard->cells;
      return std::find(mine.begin(), mine.end(), cell.id()) == mine.end();
    });
  const CellImages prepared = prepare_images(cells, images);

  AccelChoice accel{Accel::kTcg, "no image to probe KVM with"};
  if (!prepared.image.empty()) accel = settings.choose_accel(prepared.image.begin()->second);
  run.accel = std::string(to_string(accel.accel));
  run.accel_reason = accel.reason;
  spdlog::info("accelerator: {} ({})", run.accel, accel.reason);

  std::atomic<bool> own_stop{false};
  std::atomic<bool>& stop = settings.stop ? *settings.stop : own_stop;
  // Published after every boot so a killed run loses at most the boot in flight.
  RunRecorder recorder(run, cells.size(), settings.writers, stop);
  // The recorder counts the cells this run has (a shard's), not the matrix's.
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (auto it = settings.previous.find(cells[i].id()); it != settings.previous.end()) {
      CellResult previous = it->second;
      previous.cell = cells[i];
      recorder.restore(i, previous);
    }

  auto run_one = [&](std::size_t index) {
    const Cell& cell = cells[index];
    const CellResult previous = recorder.result(index).value_or(CellResult{});
    if (auto err = prepared.error.find(cell.index); err != prepared.error.end()) {
      recorder.publish(index, failed_cell(matrix, cell, err->second));
      return;
    }
    CellContext ctx{driver, clock, matrix, settings.run_id, settings.owner_pid, settings.run_dir, accel.accel};
    ctx.stop = &stop;
    recorder.publish(index, run_cell(ctx, cell, prepared.image.at(cell.index), previous,
                                     [&](const CellResult& partial) { recorder.publish(index, partial); }));
  };
  // run_cell keeps everything else inside the cell; what is left ends up here.
  auto run_guarded = [&](std::size_t index) {
    std::string cause;
    try {
      run_one(index);
      return;
    } catch (const std::exception& e) {
      if (is_out_of_space(e)) {
        recorder.fail(e.what());
        return;
      }
      cause = e.what();
    } catch (...) {
      cause = "an exception that is not a std::exception";
    }
    spdlog::error("[{}] {}", cells[index].id(), cause);
    recorder.publish(index, with_undecided_as_error(matrix, cells[index], recorder.result(index).value_or(CellResult{}),
                                                    "harness error: " + cause));
  };

  std::vector<CellDemand> demands;
  std::vector<std::string> ids;
  for (const auto& cell : cells) {
    demands.push_back({cell.vcpus, cell.memory_mib});
    ids.push_back(cell.id());
  }
  CellScheduler scheduler(settings.budget, demands);
  run_cell_pool(scheduler, ids, run_guarded, clock, &stop);

  run.finished_at = utc_timestamp();
  recorder.finish();
  return run;
}

}  // namespace kmx
