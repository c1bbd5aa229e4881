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

namespace {

// Where the i-th value of an axis is written, else the matrix file.
std::string place(const Matrix& matrix, const std::vector<std::string>& where, std::size_t i) {
  return i < where.size() ? where[i] : matrix.file.string();
}

}  // namespace

std::string check_host_limits(const Matrix& matrix, const HostLimits& host) {
  for (std::size_t i = 0; i < matrix.memory_mib.size(); ++i) {
    const int mib = matrix.memory_mib[i];
    if (host.memory_mib > 0 && mib > host.memory_mib) {
      std::ostringstream out;
      out << place(matrix, matrix.memory_where, i) << ": memory_mib = " << mib << " exceeds this host's "
          << host.memory_mib << " MiB\n  fix: lower memory_mib to at most " << host.memory_mib
          << " (leave room for the host)";
      return out.str();
    }
  }
  return "";
}

std::vector<std::string> host_limit_warnings(const Matrix& matrix, const HostLimits& host) {
  std::vector<std::string> warnings;
  for (std::size_t i = 0; i < matrix.vcpus.size(); ++i)
    if (host.cpus > 0 && matrix.vcpus[i] > host.cpus)
      warnings.push_back(place(matrix, matrix.vcpus_where, i) + ": vcpus = " + std::to_string(matrix.vcpus[i]) +
                         " is more than this host's " + std::to_string(host.cpus) +
                         " CPUs: the cells run, over-committed, and their timings stretch (timeouts may fire)");
  return warnings;
}

}  // namespace kmx
