#include "cli/matrix_preflight.h"

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "cli/host_limits.h"

namespace kmx {

CheckedMatrix check_matrix(Context& ctx, const std::filesystem::path& matrix_file) {
  CheckedMatrix checked{parse_matrix_file(matrix_file, ctx.sources().readers()), {}};
  const HostLimits host = HostLimits::detect();
  if (std::string problem = check_host_limits(checked.matrix, host); !problem.empty())
    throw std::runtime_error(problem);
  for (const auto& warning : host_limit_warnings(checked.matrix, host)) spdlog::warn("{}", warning);
  checked.resolved = ctx.images().resolve_inputs(checked.matrix);
  return checked;
}

}  // namespace kmx
