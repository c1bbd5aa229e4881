// Finds and destroys domains left behind by a kmod-matrix process that no
// longer exists (killed with SIGKILL, host crash), on a host other
// machines may share.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vm/domain_owner.h"
#include "vm/vm_driver.h"

namespace kmx {

using PidAlive = std::function<bool(int pid)>;
bool process_alive(int pid);

// Returns the names it destroyed. A domain whose metadata names an owner
// is stale when that owner is this machine and its process is gone (another
// boot, or a dead pid); other machines' domains and live owners' are left
// alone. A domain with no owner in its metadata is judged by the pid in its
// name, and only on a host that shares this machine's files (where that
// pid is one of ours).
std::vector<std::string> destroy_stale_domains(VmDriver& driver, const DomainOwner& me,
                                               const PidAlive& alive = process_alive);

}  // namespace kmx
