#include "run/stale_domains.h"

#include <signal.h>

#include <cerrno>

#include "vm/domain_name.h"

namespace kmx {

bool process_alive(int pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

namespace {

bool is_stale(VmDriver& driver, const std::string& name, const DomainOwner& me, const PidAlive& alive) {
  if (auto owner = driver.owner_of(name)) return judge_owner(*owner, me, alive) == OwnerVerdict::kStale;
  // No metadata, because the domain is gone: libvirtd ended it with its
  // owner's connection (autodestroy), and the lookup waited for that.
  if (!driver.is_running(name)) return false;
  // A name without an owner pid was not made by domain_name(): someone
  // else's VM that happens to start with "kmx-". Never destroy it.
  auto pid = domain_owner_pid(name);
  return driver.shares_files() && pid && !alive(*pid);
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
