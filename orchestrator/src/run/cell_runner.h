// Runs every test of one cell to a verdict. When a test takes the guest down
// (panic, OOM panic, hang, reset) its verdict is recorded and a fresh VM
// boots for the remaining tests. When the host itself goes away the cell
// stops at once, keeping what was decided: the rest runs elsewhere.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "images/image_builder.h"
#include "matrix/matrix.h"
#include "os/clock.h"
#include "os/phase_timings.h"
#include "store/run_result.h"
#include "vm/vm_driver.h"

namespace kmx {

struct CellContext {
  VmDriver& driver;
  Clock& clock;
  const Matrix& matrix;
  std::string run_id;
  int owner_pid = 0;
  std::filesystem::path run_dir;
  Accel accel = Accel::kTcg;
  int max_start_attempts = 3;  // a VM that will not start is retried this often
  int max_infra_retries = 2;   // an ERROR verdict is rerun this often in a fresh boot
  int host_grace_s = 30;
  const std::atomic<bool>* stop = nullptr;
  std::string host;                 // the libvirt URI, recorded with the cell and its boots
  bool* host_lost = nullptr;        // set when the cell stopped because its host went away
  PhaseTimings* timings = nullptr;  // run --timings
};

// previous: what an interrupted run already decided for this cell; only the
// tests without a verdict run, in boots numbered after the earlier ones.
// on_progress sees the cell's result after every boot.
CellResult run_cell(const CellContext& ctx, const Cell& cell, const Image& image, const CellResult& previous = {},
                    const std::function<void(const CellResult&)>& on_progress = {});

// The kernel file a VM boots: the PVH kernel under TCG when the image has one
// and the matrix allows it (pvh_boot).
std::filesystem::path kernel_to_boot(const Image& image, Accel accel, bool pvh_boot = true);

// The VM of one boot of the cell that runs these tests.
VmSpec boot_spec(const CellContext& ctx, const Cell& cell, const Image& image, const std::vector<std::string>& tests,
                 int boot);

// The VM of the first boot run_cell(ctx, cell, image, previous) will start;
// nullopt when every test has its verdict already. Lets the driver make it
// ahead (VmDriver::prepare).
std::optional<VmSpec> first_boot_spec(const CellContext& ctx, const Cell& cell, const Image& image,
                                      const CellResult& previous);

// A cell whose image could not be built: every test is ERROR with the cause.
CellResult failed_cell(const Matrix& matrix, const Cell& cell, const std::string& cause);

// `so_far` with every test of the cell that has no verdict in it as ERROR
// with this evidence.
CellResult with_undecided_as_error(const Matrix& matrix, const Cell& cell, CellResult so_far,
                                   const std::string& evidence);

// "kmod:0001" -> "kmod-0001": safe as a file name.
std::string test_file_name(const std::string& test);

}  // namespace kmx
