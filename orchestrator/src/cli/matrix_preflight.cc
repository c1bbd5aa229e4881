#include "cli/matrix_preflight.h"

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "cli/host_limits.h"

namespace kmx {

CheckedMatrix check_matrix(Context& ctx, const std::filesystem::path& matrix_file,
                           const std::map<std::string, std::string>& pinned) {
  CheckedMatrix checked{parse_matrix_file(matrix_file, ctx.sources().readers()), {}};
  const HostLimits host = HostLimits::detect();
  if (std::string problem = check_host_limits(checked.matrix, host); !problem.empty())
    throw std::runtime_error(problem);
  for (const auto& warning : host_limit_warnings(checked.matrix, host)) spdlog::warn("{}", warning);
  ctx.images().pin_inputs(checked.matrix, pinned);
  checked.resolved = ctx.images().resolve_inputs(checked.matrix);
  return checked;
}

std::map<std::string, std::string> recorded_pins(const std::map<std::string, CellResult>& cells) {
  std::map<std::string, std::string> pins;
  for (const auto& [id, cell] : cells) {
    if (const std::string c = cell.cell.kernel.recorded("commit"); !c.empty())
      pins.emplace("kernel " + cell.cell.kernel.name, c);
    if (const std::string c = cell.cell.kmod.recorded("commit"); !c.empty())
      pins.emplace("kmod " + cell.cell.kmod.name, c);
  }
  return pins;
}

}  // namespace kmx
