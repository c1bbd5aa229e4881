// Finds and destroys domains left behind by a kmod-matrix process that no
// longer exists (killed with SIGKILL, host crash).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vm/vm_driver.h"

namespace kmx {

using PidAlive = std::function<bool(int pid)>;
bool process_alive(int pid);

// Returns the names it destroyed. Domains of live owners are left alone.
std::vector<std::string> destroy_stale_domains(VmDriver& driver, const PidAlive& alive = process_alive);

}  // namespace kmx
