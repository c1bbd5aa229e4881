#include "run/accel_selection.h"

#include <spdlog/spdlog.h>

#include "os/files.h"
#include "run/boot_session.h"

namespace kmx {
namespace {

constexpr int kLinuxProbeTimeoutS = 20;  // real KVM boots the guest in ~1-2 s, TCG in ~3 s

AccelChoice linux_probe(AccelProbeContext& ctx, const Image& image) {
  BootPlan plan;
  plan.spec = VmSpec{ctx.domain_name,
                     Accel::kKvm,
                     1,
                     256,
                     image.vmlinuz,
                     image.initrd,
                     guest_cmdline({}, [](const std::string&) { return 1; }),
                     ctx.work_dir / "console.log",
                     ctx.work_dir / "agent.log"};
  plan.test_timeout_s = [](const std::string&) { return 1; };
  plan.boot_timeout_s = kLinuxProbeTimeoutS;
  std::filesystem::create_directories(ctx.work_dir);
  BootRun run = run_boot(ctx.driver, ctx.clock, plan);
  if (run.record.agent.boot && run.record.agent.done)
    return {Accel::kKvm,
            "the guest kernel booted under KVM in " + std::to_string(static_cast<int>(run.boot_seconds + 0.5)) + " s"};
  if (run.record.end == BootEnd::kStartFailed)
    return {Accel::kTcg, "KVM domain did not start (" + run.record.end_detail + "); using TCG"};
  return {Accel::kTcg, "the guest kernel did not boot under KVM within " + std::to_string(kLinuxProbeTimeoutS) +
                           " s (nested or broken KVM); using TCG"};
}

}  // namespace

AccelChoice select_accel(const std::string& mode, AccelProbeContext& ctx, const Image& image) {
  if (mode == "kvm") return {Accel::kKvm, "forced by --accel kvm"};
  if (mode == "tcg") return {Accel::kTcg, "forced by --accel tcg"};
  if (!ctx.cache_file.empty() && std::filesystem::exists(ctx.cache_file)) {
    std::string cached = read_file(ctx.cache_file);
    auto newline = cached.find('\n');
    if (newline != std::string::npos) {
      Accel accel = cached.substr(0, newline) == "kvm" ? Accel::kKvm : Accel::kTcg;
      return {accel, cached.substr(newline + 1) + " (cached probe: " + ctx.cache_file.string() + ")"};
    }
  }
  std::filesystem::create_directories(ctx.work_dir);
  // A remote host's /dev/kvm is out of reach from here: only its guest can tell.
  AccelChoice choice = ctx.local_host ? probe_accel(ctx.runner, ctx.work_dir) : AccelChoice{Accel::kKvm, ""};
  if (choice.accel == Accel::kKvm) {
    spdlog::info(ctx.local_host ? "KVM runs a boot sector; booting the guest kernel under KVM to be sure"
                                : "booting the guest kernel under KVM on the remote host to see whether KVM works");
    choice = linux_probe(ctx, image);
  }
  if (!ctx.cache_file.empty())
    write_file_atomically(ctx.cache_file, std::string(to_string(choice.accel)) + "\n" + choice.reason);
  return choice;
}

}  // namespace kmx
