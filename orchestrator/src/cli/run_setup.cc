#include "cli/run_setup.h"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

#include "cli/host_facts.h"
#include "cli/version.h"
#include "os/files.h"
#include "vm/domain_name.h"

namespace kmx {

std::filesystem::path accel_cache_file(const std::filesystem::path& cache_root) {
  utsname uts{};
  ::uname(&uts);
  // The binary as the file system knows it (an upgrade replaces the file):
  // hashing its 18 MB cost every run 15 ms.
  struct stat st {};
  if (::stat("/usr/bin/qemu-system-x86_64", &st) != 0) return {};
  const std::string qemu_id = std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
                              std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  return cache_root / "accel" / (sha256_hex(std::string(uts.release) + uts.version + qemu_id).substr(0, 16) + ".txt");
}

void add_host_options(CLI::App& command, ContextOptions& shared) {
  command.add_option("--connect", shared.connect,
                     "libvirt URI of a host to run cells on (repeatable; default qemu:///system)");
  command.add_option("--hosts", shared.hosts_file,
                     "TOML file of [[host]] entries (uri, cpus, memory_mib, labels) for a fleet; adds to --connect");
}

void add_boot_options(CLI::App& command, ContextOptions& shared, std::string& accel) {
  add_cache_option(command, shared);
  add_host_options(command, shared);
  command.add_option("--accel", accel, "auto probes KVM with a real guest, else TCG")
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}))
      ->capture_default_str();
  command.add_option("--agent", shared.agent, "static guest agent binary (default: the one installed with this tool)");
}

RunSetup::RunSetup(Context& ctx, std::string accel_mode, int jobs, const BootDirectory& where)
    : ctx_(ctx),
      accel_mode_(std::move(accel_mode)),
      jobs_(jobs),
      host_(HostLimits::detect()),
      probe_dir_(where.accel_probe_dir()),
      probe_domain_(domain_name(static_cast<int>(::getpid()), where.id, 999, 0)) {}

HostBudget host_budget(const HostEntry& entry, bool local, HostResources have,
                       const std::optional<HostResources>& reported, int jobs) {
  if (!local) {
    if (reported) {
      have = *reported;
    } else {
      have = {entry.cpus > 0 ? entry.cpus : 1, entry.memory_mib > 0 ? entry.memory_mib : 2048L};
      if (entry.cpus <= 0 || entry.memory_mib <= 0)
        spdlog::warn(
            "host {} does not report its CPUs and memory: it gets {} CPU(s) and {} MiB for VMs (set cpus "
            "and memory_mib for it in the hosts file)",
            entry.uri, have.cpus, have.memory_mib);
    }
  }
  if (entry.cpus > 0) have.cpus = std::min(have.cpus, entry.cpus);
  if (entry.memory_mib > 0) have.memory_mib = std::min(have.memory_mib, entry.memory_mib);
  return {have.cpus, have.memory_mib - std::max(1024L, have.memory_mib / 10), jobs};
}

HostBudget RunSetup::budget_of(std::size_t host) {
  VmDriver& driver = ctx_.driver(host);
  const bool local = driver.shares_files();
  return host_budget(ctx_.hosts()[host], local, {host_.cpus, host_.memory_mib},
                     local ? std::nullopt : driver.resources(), jobs_);
}

void RunSetup::apply_to(RunSettings& s) {
  s.hosts.clear();
  std::string first_failure;
  for (std::size_t h = 0; h < ctx_.hosts().size(); ++h) {
    const HostEntry& entry = ctx_.hosts()[h];
    try {
      ctx_.driver(h);
    } catch (const std::exception& e) {
      if (first_failure.empty()) first_failure = e.what();
      spdlog::warn("host {} left out of the run: {}", entry.uri, e.what());
      continue;
    }
    RunHost host{entry.uri, &ctx_.driver(h), budget_of(h), entry.labels, {}};
    host.choose_accel = [this, h](const Image& image) {
      if (auto it = chosen_.find(h); it != chosen_.end()) return it->second;
      VmDriver& driver = ctx_.driver(h);
      auto probe = probes_.find(h);
      if (probe == probes_.end()) {
        const bool local = driver.shares_files();
        // A remote host's verdict is not remembered: its kernel and QEMU are not this machine's.
        AccelProbeContext context{ctx_.runner(),
                                  driver,
                                  ctx_.clock(),
                                  probe_dir_ / ("host-" + std::to_string(h)),
                                  local ? accel_cache_file(ctx_.cache().root()) : std::filesystem::path{},
                                  probe_domain_,
                                  local};
        probe = probes_.emplace(h, std::move(context)).first;
      }
      return chosen_[h] = select_accel(accel_mode_, probe->second, image);
    };
    s.hosts.push_back(std::move(host));
  }
  if (s.hosts.empty()) throw std::runtime_error(first_failure);
  s.max_jobs = jobs_;
  s.owner_pid = static_cast<int>(::getpid());
  s.stop = &ctx_.stop();
  s.tool_version = kVersion;
  // Beside the run's setup and its first VM's making (run_matrix waits for it).
  s.host_later = std::async(std::launch::async, [&runner = ctx_.runner(), limits = host_] {
                   return collect_host_facts(runner, limits);
                 }).share();
}

}  // namespace kmx
