// A whole run: stale-domain cleanup on every host, images for every cell,
// each host's accelerator, cells placed on the hosts by a pool of workers; every result goes to the
// writers (run_matrix writes no results file itself).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "matrix/matrix.h"
#include "os/clock.h"
#include "os/phase_timings.h"
#include "run/cell_scheduler.h"
#include "run/image_source.h"
#include "run/run_host.h"
#include "store/run_result.h"
#include "store/run_writer.h"

namespace kmx {

struct RunSettings {
  std::string run_id;
  std::filesystem::path run_dir;
  // Where cells run: at least one host. A host lost mid-cell costs only
  // the tests in flight; its cells move to the others.
  std::vector<RunHost> hosts;
  int max_jobs = 1;  // --jobs: cells at once over every host
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
  // When valid, the host's facts as they are being collected (QEMU's and
  // libvirt's versions cost two processes, 0.05-0.12 s on a busy host):
  // they replace `host` once the first VM is being made.
  std::shared_future<HostFacts> host_later;
  // --shard K/N: only these cells run, and the run records which shard it is.
  std::optional<ShardRecord> shard;
  // run --timings: where the run's time goes, phase by phase.
  PhaseTimings* timings = nullptr;
};

// Throws UnknownInputError before any VM boots when the first image's input
// names things that do not exist; an image built later while cells run
// (ImagePipeline) that does leaves its cells ERROR, and the run throws it
// once everything is recorded. Nothing a cell's worker throws escapes: the
// cell's undecided tests are ERROR with the exception's text, or, for a full
// disk, the run stops with what it recorded.
RunResult run_matrix(const Matrix& matrix, ImageSource& images, Clock& clock, const RunSettings& settings);

// "20261122-233800-4821": sortable, unique per process.
std::string new_run_id(int pid);

}  // namespace kmx
