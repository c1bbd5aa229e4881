#include "run/run_matrix.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <future>
#include <map>
#include <mutex>

#include "os/files.h"
#include "run/cell_pool.h"
#include "run/cell_runner.h"
#include "run/cell_shards.h"
#include "run/image_pipeline.h"
#include "run/run_recorder.h"
#include "run/stale_domains.h"
#include "vm/domain_owner.h"

namespace kmx {

std::string new_run_id(int pid) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return std::string(buf) + "-" + std::to_string(pid);
}

RunResult run_matrix(const Matrix& matrix, ImageSource& images, Clock& clock, const RunSettings& settings) {
  if (settings.hosts.empty()) throw std::logic_error("run_matrix needs at least one host");
  RunResult run;
  run.run_id = settings.run_id;
  run.matrix_name = matrix.name;
  run.matrix_file = matrix.file.string();
  run.tool_version = settings.tool_version;
  run.matrix_sha256 = settings.matrix_sha256;
  run.host = settings.host;
  run.started_at = utc_timestamp();

  run.shard = settings.shard;
  std::vector<Cell> cells = expand_cells(matrix);
  if (settings.shard) cells = cells_in_shard(std::move(cells), settings.shard->cells);
  std::atomic<bool> own_stop{false};
  std::atomic<bool>& stop = settings.stop ? *settings.stop : own_stop;
  ReadyCells built_later;  // outlives the pipeline, whose thread adds to it
  ImagePipeline prepared(cells, images, stop, settings.timings);

  std::vector<AccelChoice> accels;
  for (const auto& host : settings.hosts) {
    PhaseSpan span(settings.timings, "accelerator choice");
    AccelChoice accel{Accel::kTcg, "no image to probe KVM with"};
    if (!cells.empty() && !prepared.error(cells.front().index))
      accel = host.choose_accel(prepared.image(cells.front().index));
    spdlog::info("accelerator on {}: {} ({})", host.uri, to_string(accel.accel), accel.reason);
    accels.push_back(accel);
    run.hosts.push_back({host.uri, host.budget.vcpus, host.budget.memory_mib, std::string(to_string(accel.accel)),
                         accel.reason, host.labels, false});
  }
  run.accel = run.hosts.front().accel;
  run.accel_reason = run.hosts.front().accel_reason;

  // Published after every boot so a killed run loses at most the boot in flight.
  RunRecorder recorder(run, cells.size(), settings.writers, stop);
  // The recorder counts the cells this run has (a shard's), not the matrix's.
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (auto it = settings.previous.find(cells[i].id()); it != settings.previous.end()) {
      CellResult previous = it->second;
      previous.cell = cells[i];
      recorder.restore(i, previous);
    }

  auto context_on = [&](std::size_t host, bool* host_lost) {
    CellContext ctx{*settings.hosts[host].driver,
                    clock,
                    matrix,
                    settings.run_id,
                    settings.owner_pid,
                    settings.run_dir,
                    accels[host].accel};
    ctx.stop = &stop;
    ctx.host = settings.hosts[host].uri;
    ctx.host_lost = host_lost;
    ctx.timings = settings.timings;
    return ctx;
  };
  // The VM of the cell likely to start next is made while others run.
  auto make_ahead = [&](const Placement& where) {
    const Cell& cell = cells[where.cell];
    if (prepared.error(cell.index)) return;
    const CellContext ctx = context_on(where.host, nullptr);
    if (auto spec =
            first_boot_spec(ctx, cell, prepared.image(cell.index), recorder.result(where.cell).value_or(CellResult{})))
      settings.hosts[where.host].driver->prepare(*spec);
  };

  std::mutex lost_mutex;
  std::vector<bool> lost(settings.hosts.size(), false);
  auto run_one = [&](const Placement& where) {
    const std::size_t index = where.cell;
    const Cell& cell = cells[index];
    const CellResult previous = recorder.result(index).value_or(CellResult{});
    if (auto err = prepared.error(cell.index)) {
      recorder.publish(index, failed_cell(matrix, cell, *err));
      return CellOutcome::kDone;
    }
    const RunHost& host = settings.hosts[where.host];
    bool host_lost = false;
    CellContext ctx = context_on(where.host, &host_lost);
    auto publish = [&](const CellResult& result) {
      PhaseSpan span(settings.timings, "result write (journal, history, per boot)");
      recorder.publish(index, result);
    };
    publish(run_cell(ctx, cell, prepared.image(cell.index), previous, publish));
    if (!host_lost) return CellOutcome::kDone;
    spdlog::error("[{}] lost the host {}: its tests in flight run again elsewhere", cell.id(), host.uri);
    std::lock_guard lock(lost_mutex);
    lost[where.host] = true;
    return CellOutcome::kHostLost;
  };
  // run_cell keeps everything else inside the cell; what is left ends up here.
  auto run_guarded = [&](const Placement& where) {
    const std::size_t index = where.cell;
    std::string cause;
    try {
      return run_one(where);
    } catch (const std::exception& e) {
      if (is_out_of_space(e)) {
        recorder.fail(e.what());
        return CellOutcome::kDone;
      }
      cause = e.what();
    } catch (...) {
      cause = "an exception that is not a std::exception";
    }
    spdlog::error("[{}] {}", cells[index].id(), cause);
    recorder.publish(index, with_undecided_as_error(matrix, cells[index], recorder.result(index).value_or(CellResult{}),
                                                    "harness error: " + cause));
    return CellOutcome::kDone;
  };

  std::vector<CellDemand> demands;
  std::vector<std::string> ids;
  for (const auto& cell : cells) {
    demands.push_back({cell.vcpus, cell.memory_mib});
    ids.push_back(cell.id());
  }
  std::vector<HostBudget> budgets;
  for (const auto& host : settings.hosts) budgets.push_back(host.budget);
  CellScheduler scheduler(budgets, demands, settings.max_jobs, prepared.ready());
  // The first cell's VM is made while the rest is set up, and the pool
  // names the next ones ahead as cells run.
  if (auto first = scheduler.peek_next()) {
    try {
      make_ahead(*first);
    } catch (const std::exception& e) {
      spdlog::warn("could not make {}'s VM ahead: {}", ids[first->cell], e.what());
    }
  }
  if (settings.host_later.valid()) run.host = settings.host_later.get();
  // Off the cells' path: listing the domains waits while libvirtd ends any
  // of them, another run's too (1-2 s on a busy host).
  auto stale_scan = std::async(std::launch::async, [&settings] {
    PhaseSpan span(settings.timings, "stale-domain scan (off the path)");
    const DomainOwner me = this_process_owner();
    for (const auto& host : settings.hosts)
      for (const auto& name : destroy_stale_domains(*host.driver, me))
        spdlog::warn("destroyed stale domain {} of a dead run on {}", name, host.uri);
  });
  prepared.build_rest(built_later);
  run_cell_pool(scheduler, ids, run_guarded, clock, &stop, &built_later, make_ahead);
  stale_scan.get();

  // Every host lost: what no host could run is ERROR, never silently absent.
  // Cells that finished are not written again.
  if (scheduler.hosts_left() == 0 && !stop)
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (const auto so_far = recorder.result(i); !so_far || so_far->tests.size() < cells[i].tests.size())
        recorder.publish(i, with_undecided_as_error(matrix, cells[i], so_far.value_or(CellResult{}),
                                                    "no host left to run it: every libvirt host of the run was lost"));
  for (std::size_t h = 0; h < lost.size(); ++h) run.hosts[h].lost = lost[h];
  run.finished_at = utc_timestamp();
  {
    PhaseSpan span(settings.timings, "finish (results.json, reports)");
    recorder.finish();
  }
  // Recorded, the run ends as bad input does (exit 2).
  if (auto bad = prepared.bad_input()) throw UnknownInputError(*bad);
  return run;
}

}  // namespace kmx
