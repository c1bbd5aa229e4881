// Chooses KVM or TCG for a run. "auto" believes KVM only after the real
// guest kernel booted under it: on nested hosts (PVM) /dev/kvm exists and
// even runs a boot sector, yet Linux guests hang.
#pragma once

#include <filesystem>
#include <string>

#include "images/image_builder.h"
#include "os/clock.h"
#include "os/process_runner.h"
#include "vm/accel_probe.h"
#include "vm/vm_driver.h"

namespace kmx {

struct AccelProbeContext {
  ProcessRunner& runner;
  VmDriver& driver;
  Clock& clock;
  std::filesystem::path work_dir;    // probe logs go here
  std::filesystem::path cache_file;  // remembered verdict for this host; empty: none
  std::string domain_name;
  // The host shares this machine's QEMU: a boot sector run here says
  // whether KVM is worth a guest boot. A remote host gets the guest boot only.
  bool local_host = true;
};

// mode is "auto", "kvm" or "tcg".
AccelChoice select_accel(const std::string& mode, AccelProbeContext& ctx, const Image& image);

}  // namespace kmx
