// What the host can give a matrix: checked before anything boots.
#pragma once

#include <string>
#include <vector>

#include "matrix/matrix.h"

namespace kmx {

struct HostLimits {
  long memory_mib = 0;
  int cpus = 0;
  static HostLimits detect();
};

// Empty when every cell fits; otherwise an error naming the matrix value
// (file:line:col) and the fix.
std::string check_host_limits(const Matrix& matrix, const HostLimits& host);

// What fits but costs: more vCPUs than the host has CPUs (the guest's
// CPUs share the host's, so its timings stretch). One line each, with the
// value's place.
std::vector<std::string> host_limit_warnings(const Matrix& matrix, const HostLimits& host);

}  // namespace kmx
