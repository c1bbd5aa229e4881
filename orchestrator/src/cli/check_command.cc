// check: validate a matrix, resolve every kernel and kmod it names, and list
// its cells; bad input exits 2 exactly where `run` would stop.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/matrix_preflight.h"

namespace kmx {

CommandRun setup_check_command(CLI::App& command, ContextOptions& shared) {
  auto path = std::make_shared<std::string>();
  command.add_option("matrix", *path, "matrix file, or the name of a shipped one (smoke)")->required();
  command.add_option("--cache", shared.cache, "cache directory (default: $KMX_CACHE or /var/cache/kmod-matrix)");
  return [path](Context& ctx) {
    const CheckedMatrix checked = check_matrix(ctx, ctx.installation().find_matrix(*path));
    for (const auto& line : checked.resolved) std::cout << line << "\n";
    for (const auto& cell : expand_cells(checked.matrix))
      std::cout << cell.id() << "  " << cell.tests.size() << " tests\n";
    return kExitOk;
  };
}

}  // namespace kmx
