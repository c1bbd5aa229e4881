#include "run/stale_domains.h"

#include <signal.h>

#include <cerrno>

#include "vm/domain_name.h"

namespace kmx {

bool process_alive(int pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

std::vector<std::string> destroy_stale_domains(VmDriver& driver, const PidAlive& alive) {
  std::vector<std::string> destroyed;
  for (const auto& name : driver.list_own_domains()) {
    auto owner = domain_owner_pid(name);
    // A name without an owner pid was not made by domain_name(): someone
    // else's VM that happens to start with "kmx-". Never destroy it.
    if (!owner || alive(*owner)) continue;
    driver.destroy(name);
    destroyed.push_back(name);
  }
  return destroyed;
}

}  // namespace kmx
