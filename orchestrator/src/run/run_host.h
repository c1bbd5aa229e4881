// A libvirt host a run may place cells on: its driver, what it can give,
// and how its accelerator is chosen.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "images/image_builder.h"
#include "run/cell_scheduler.h"
#include "vm/accel_probe.h"
#include "vm/vm_driver.h"

namespace kmx {

struct RunHost {
  std::string uri;
  VmDriver* driver = nullptr;
  HostBudget budget;  // max_jobs unused: RunSettings::max_jobs counts over every host
  std::vector<std::string> labels;
  // Picks this host's accelerator once the first image exists (a real
  // guest on that host is the only trustworthy KVM probe).
  std::function<AccelChoice(const Image&)> choose_accel;
};

}  // namespace kmx
