// What run, bisect, bisect-step and boundary set up alike around run_matrix: the
// host's limits checked against the matrix, the budget the cells share, the
// host facts, and the accelerator (probed with the first image, then
// remembered for every later run_matrix of the process).
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "cli/boot_directory.h"
#include "cli/context.h"
#include "cli/host_limits.h"
#include "matrix/matrix.h"
#include "run/accel_selection.h"
#include "run/run_matrix.h"

namespace kmx {

// What VMs may use on a host together. `have` is this machine's when the
// host shares its files (the local host); otherwise `reported`, the
// hypervisor's word, and without it the hosts file's figures or 1 CPU and
// 2 GiB (with a warning). The hosts file caps either; a tenth of the memory
// (at least 1 GiB) stays with the host.
HostBudget host_budget(const HostEntry& entry, bool local, HostResources have,
                       const std::optional<HostResources>& reported, int jobs);

class RunSetup {
 public:
  // accel_mode: "auto", "kvm" or "tcg"; probe logs go to the directory's
  // accel-probe/, and the probe's domain is named after its id.
  RunSetup(Context& ctx, std::string accel_mode, int jobs, const BootDirectory& where);
  RunSetup(const RunSetup&) = delete;
  RunSetup& operator=(const RunSetup&) = delete;

  // Why this host cannot run the matrix, or "" when it can.
  std::string host_problem(const Matrix& matrix) const { return check_host_limits(matrix, host_); }

  // Sets the hosts (each connected, with its budget and its accelerator
  // chosen on first use), jobs, owner, stop, tool version and host facts;
  // the caller sets run_id, run_dir, writers (and matrix_sha256, previous).
  // A host that does not answer is left out with a warning; throws when
  // none answers.
  void apply_to(RunSettings& settings);

 private:
  Context& ctx_;
  std::string accel_mode_;
  int jobs_;
  HostLimits host_;
  HostBudget budget_of(std::size_t host);

  std::filesystem::path probe_dir_;
  std::string probe_domain_;
  // By host index: the probe's context and, once probed, its choice.
  std::map<std::size_t, AccelProbeContext> probes_;
  std::map<std::size_t, AccelChoice> chosen_;
};

// --connect (repeatable) and --hosts: the libvirt hosts.
void add_host_options(CLI::App& command, ContextOptions& shared);

// --cache, --connect, --hosts, --accel and --agent: what the Context and RunSetup
// need to boot VMs, alike for every command that boots.
void add_boot_options(CLI::App& command, ContextOptions& shared, std::string& accel);

// Where the accelerator probe's verdict is remembered: per host kernel and QEMU binary.
std::filesystem::path accel_cache_file(const std::filesystem::path& cache_root);

}  // namespace kmx
