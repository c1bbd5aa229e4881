#include "cli/run_setup.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>

#include "cli/host_facts.h"
#include "cli/version.h"
#include "os/files.h"
#include "vm/domain_name.h"

namespace kmx {

std::filesystem::path accel_cache_file(const std::filesystem::path& cache_root) {
  utsname uts{};
  ::uname(&uts);
  std::string qemu_id;
  try {
    qemu_id = sha256_file("/usr/bin/qemu-system-x86_64");
  } catch (const std::exception&) {
    return {};
  }
  return cache_root / "accel" / (sha256_hex(std::string(uts.release) + uts.version + qemu_id).substr(0, 16) + ".txt");
}

void add_boot_options(CLI::App& command, ContextOptions& shared, std::string& accel) {
  command.add_option("--cache", shared.cache, "cache directory (default: $KMX_CACHE or /var/cache/kmod-matrix)");
  command.add_option("--connect", shared.connect, "libvirt URI")->capture_default_str();
  command.add_option("--accel", accel, "auto probes KVM with a real guest, else TCG")
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}))
      ->capture_default_str();
  command.add_option("--agent", shared.agent, "static guest agent binary (default: the one installed with this tool)");
}

RunSetup::RunSetup(Context& ctx, std::string accel_mode, int jobs, const std::filesystem::path& probe_dir,
                   const std::string& run_id)
    : ctx_(ctx),
      accel_mode_(std::move(accel_mode)),
      jobs_(jobs),
      host_(HostLimits::detect()),
      probe_dir_(probe_dir),
      probe_domain_(domain_name(static_cast<int>(::getpid()), run_id, 999, 0)) {}

void RunSetup::apply_to(RunSettings& s) {
  // Keep a tenth of the host's memory (at least 1 GiB) for the host itself.
  s.budget = {host_.cpus, host_.memory_mib - std::max(1024L, host_.memory_mib / 10), jobs_};
  s.owner_pid = static_cast<int>(::getpid());
  s.stop = &ctx_.stop();
  s.choose_accel = [this](const Image& image) {
    if (!chosen_) {
      if (!probe_)
        probe_.emplace(AccelProbeContext{ctx_.runner(), ctx_.driver(), ctx_.clock(), probe_dir_,
                                         accel_cache_file(ctx_.cache().root()), probe_domain_});
      chosen_ = select_accel(accel_mode_, *probe_, image);
    }
    return *chosen_;
  };
  s.tool_version = kVersion;
  s.host = collect_host_facts(ctx_.runner(), host_);
}

}  // namespace kmx
