// A whole run: stale-domain cleanup, images for every cell, the
// accelerator, cells on a pool of workers; every result goes to the
// writers (run_matrix writes no results file itself).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "matrix/matrix.h"
#include "os/clock.h"
#include "results/run_result.h"
#include "results/run_writer.h"
#include "run/cell_scheduler.h"
#include "run/image_source.h"
#include "vm/accel_probe.h"
#include "vm/vm_driver.h"

namespace kmx {

struct RunSettings {
  std::string run_id;
  std::filesystem::path run_dir;
  // Picks the accelerator once the first image exists (a real guest is the
  // only trustworthy KVM probe).
  std::function<AccelChoice(const Image&)> choose_accel;
  HostBudget budget;  // max_jobs is --jobs
  int owner_pid = 0;
  // --resume: what the interrupted run already decided, by cell id.
  std::map<std::string, CellResult> previous;
  // Set by SIGINT/SIGTERM, and by the run itself when its results cannot be
  // written (RunResult::recording_failure says why).
  std::atomic<bool>* stop = nullptr;
  std::vector<RunWriter*> writers;  // told of every boot and of the end
  // Copied into the RunResult's header: kmod-matrix's version, the sha256
  // of the matrix copy, the host (collected once by the caller).
  std::string tool_version;
  std::string matrix_sha256;
  HostFacts host;
  // --shard K/N: only these cells run, and the run records which shard it is.
  std::optional<ShardRecord> shard;
};

// Throws UnknownInputError before any VM boots when the input names things
// that do not exist. Nothing a cell's worker throws escapes: the cell's
// undecided tests are ERROR with the exception's text, or, for a full disk,
// the run stops with what it recorded.
RunResult run_matrix(const Matrix& matrix, ImageSource& images, VmDriver& driver, Clock& clock,
                     const RunSettings& settings);

// "20261122-233800-4821": sortable, unique per process.
std::string new_run_id(int pid);

}  // namespace kmx
