// What the host can give a matrix: checked before anything boots.
#pragma once

#include <string>

#include "matrix/matrix.h"

namespace kmx {

struct HostLimits {
  long memory_mib = 0;
  int cpus = 0;
  static HostLimits detect();
};

// Empty when every cell fits; otherwise an error naming the matrix value and the fix.
std::string check_host_limits(const Matrix& matrix, const HostLimits& host);

}  // namespace kmx
