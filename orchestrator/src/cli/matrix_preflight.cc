#include "cli/matrix_preflight.h"

#include <stdexcept>

#include "cli/host_limits.h"

namespace kmx {

CheckedMatrix check_matrix(Context& ctx, const std::filesystem::path& matrix_file) {
  CheckedMatrix checked{parse_matrix_file(matrix_file, ctx.sources().readers()), {}};
  if (std::string problem = check_host_limits(checked.matrix, HostLimits::detect()); !problem.empty())
    throw std::runtime_error(problem);
  checked.resolved = ctx.images().resolve_inputs(checked.matrix);
  return checked;
}

}  // namespace kmx
