// Everything a run learned, as plain data: what results.json and the
// terminal matrix are rendered from.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "matrix/matrix.h"
#include "verdict/test_details.h"
#include "verdict/verdict.h"

namespace kmx {

// One port's output in a boot whose cap ([limits]) it exceeded: the bytes the
// host kept (the cap) and the bytes it cut.
struct ByteCut {
  std::uintmax_t kept_bytes = 0;
  std::uintmax_t dropped_bytes = 0;
  bool operator==(const ByteCut&) const = default;
};

struct BootSummary {
  int index = 0;
  std::string domain;
  double boot_seconds = -1;
  double wall_seconds = 0;
  std::string end;  // how the VM stopped
  std::string end_detail;
  std::string console_log;  // paths relative to the run directory
  std::string agent_log;
  std::size_t garbage_lines = 0;
  std::vector<std::string> garbage_samples;
  std::vector<std::string> agent_problems;
  std::map<std::string, ByteCut> truncated;  // by port, "console" or "agent"; empty when no cap was hit
  std::string host;                          // the libvirt URI it ran on
};

struct TestResult {
  std::string test;
  Verdict verdict = Verdict::kError;
  std::string evidence;
  double duration_s = 0;
  std::vector<Verdict> expected;
  std::string expected_reason;
  bool as_expected = false;
  int boot = 0;
  int rounds = 0;                         // kmod.sh rounds set by the matrix ([rounds]); 0: the suite's own count
  std::string log;                        // relative path of the test's output
  TestDetails details;                    // what the test showed besides its verdict
  std::optional<KnownIssue> known_issue;  // the matrix's [[known_issue]] that covers it
};

struct CellResult {
  Cell cell;
  // The concrete kernel package the cell ran (what a series meta-package
  // resolved to) and its Debian version; "" when not from Debian.
  std::string kernel_package;
  std::string kernel_debian_version;
  std::string image_id;
  std::string test_modules_built_against;
  std::string guest_uname;
  std::string guest_kmod_version;
  // How the kmod under test was built and which modprobe.d it searches
  // (Image::kmod_build), and what the guest saw: {available,
  // reads_etc_modprobe_d, sha256, bytes} of `modprobe -c`.
  nlohmann::json kmod_build = nlohmann::json::object();
  nlohmann::json guest_modprobe_config = nlohmann::json::object();
  std::vector<TestResult> tests;  // in the cell's test order
  std::vector<BootSummary> boots;
  // The libvirt URI the cell's tests ran on (its last boot's host; a cell
  // moved off a lost host names the host that finished it).
  std::string host;

  // The package reports name: the resolved one, else what the matrix declared.
  std::string kernel_package_or_declared() const {
    return kernel_package.empty() ? cell.kernel.recorded("package") : kernel_package;
  }
  double first_boot_seconds() const { return boots.empty() ? -1 : boots.front().boot_seconds; }
};

// The machine a run ran on: what tells two nights apart when the code did
// not change. Empty or 0 when unknown (results.json written before them).
struct HostFacts {
  std::string hostname;
  int cpus = 0;
  long long memory_mib = 0;
  std::string kernel;  // the host's uname -r
  std::string qemu_version;
  std::string libvirt_version;
};

// A libvirt host cells ran on: what it could give, how it booted guests,
// and whether it was lost during the run.
struct HostRecord {
  std::string uri;
  int cpus = 0;
  long long memory_mib = 0;
  std::string accel;
  std::string accel_reason;
  std::vector<std::string> labels;
  bool lost = false;
  bool operator==(const HostRecord&) const = default;
};

// `run --shard K/N`: which part of the matrix this run is (run/cell_shards.h).
struct ShardRecord {
  int index = 0;  // 1-based
  int count = 0;
  std::vector<std::string> cells;  // ids of the cells this shard runs, in matrix order
  std::string basis;               // "limits" or "history": what the costs were estimated from
  bool operator==(const ShardRecord&) const = default;
};

struct RunResult {
  std::string run_id;
  std::string tool_version;  // kmod-matrix's own version
  std::string matrix_name;
  std::string matrix_file;
  std::string matrix_sha256;  // of the matrix file as run
  HostFacts host;
  std::string accel;
  std::string accel_reason;
  std::vector<HostRecord> hosts;  // every host the run could use; empty in runs before hosts
  std::string started_at;
  std::string finished_at;
  std::vector<CellResult> cells;
  std::optional<ShardRecord> shard;  // a shard run; unset for a whole matrix
  // A run `merge` joined from shard runs: their run ids, and the cells of
  // the matrix none of them had. Empty otherwise.
  std::vector<std::string> merged_from;
  std::vector<std::string> absent_cells;
  // Why the run stopped early on its own (its results could not be written,
  // e.g. a full disk); "" otherwise. Not written to results.json.
  std::string recording_failure;

  std::size_t unexpected_count() const;
  // The accelerator of the host the cell ran on; the run's when unknown.
  std::string accel_of(const CellResult& cell) const;
};

}  // namespace kmx
