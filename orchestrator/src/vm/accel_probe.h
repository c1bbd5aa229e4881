// Decides between KVM and TCG by running a guest, not by trusting /dev/kvm:
// on nested hosts /dev/kvm can exist while guests hang or abort under it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "os/process_runner.h"
#include "vm/vm_driver.h"

namespace kmx {

struct AccelChoice {
  Accel accel = Accel::kTcg;
  std::string reason;
};

// Boots a 512-byte boot sector that prints a marker on the serial port
// under -accel kvm; KVM is usable only if the marker appears in time.
AccelChoice probe_accel(ProcessRunner& runner, const std::filesystem::path& work_dir);

// The pieces, exposed so a test can run the same probe under TCG.
std::string kvm_probe_boot_sector();
std::vector<std::string> probe_command(const std::string& accel, const std::filesystem::path& image);
bool probe_output_has_marker(const std::string& output);

}  // namespace kmx
