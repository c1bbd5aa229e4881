#include "cli/host_limits.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace kmx {

HostLimits HostLimits::detect() {
  HostLimits h;
  h.cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  long kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemTotal:") h.memory_mib = kib / 1024;
  return h;
}

std::string check_host_limits(const Matrix& matrix, const HostLimits& host) {
  for (int mib : matrix.memory_mib) {
    if (host.memory_mib > 0 && mib > host.memory_mib) {
      std::ostringstream out;
      out << matrix.file.string() << ": memory_mib = " << mib << " exceeds this host's " << host.memory_mib
          << " MiB\n  fix: lower memory_mib to at most " << host.memory_mib << " (leave room for the host)";
      return out.str();
    }
  }
  return "";
}

}  // namespace kmx
