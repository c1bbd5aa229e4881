#include "run/stale_domains.h"

#include <signal.h>

#include <cerrno>

namespace kmx {

bool process_alive(int pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

namespace {

// Only a domain whose owner metadata says it is this machine's, from a run
// that is gone, is stale. A domain without that metadata is never ours,
// whatever its name says: a name like "kmx-<pid>-..." with a dead pid is
// no proof, since anyone can define one.
bool is_stale(VmDriver& driver, const std::string& name, const DomainOwner& me, const PidAlive& alive) {
  const auto owner = driver.owner_of(name);
  return owner && judge_owner(*owner, me, alive) == OwnerVerdict::kStale;
}

}  // namespace

std::vector<std::string> destroy_stale_domains(VmDriver& driver, const DomainOwner& me, const PidAlive& alive) {
  std::vector<std::string> destroyed;
  for (const auto& name : driver.list_own_domains()) {
    if (!is_stale(driver, name, me, alive)) continue;
    driver.destroy(name);
    destroyed.push_back(name);
  }
  return destroyed;
}

}  // namespace kmx
