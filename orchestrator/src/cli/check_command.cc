// check: validate a matrix and list its cells; bad input exits 2.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/host_limits.h"
#include "matrix/matrix.h"

namespace kmx {

CommandRun setup_check_command(CLI::App& command, ContextOptions&) {
  auto path = std::make_shared<std::string>();
  command.add_option("matrix", *path, "matrix file, or the name of a shipped one (smoke)")->required();
  return [path](Context& ctx) {
    Matrix matrix = parse_matrix_file(ctx.installation().find_matrix(*path), ctx.sources().readers());
    for (const auto& cell : expand_cells(matrix)) std::cout << cell.id() << "  " << cell.tests.size() << " tests\n";
    std::string problem = check_host_limits(matrix, HostLimits::detect());
    if (!problem.empty()) {
      std::cerr << "kmod-matrix: " << problem << "\n";
      return kExitBadInput;
    }
    return kExitOk;
  };
}

}  // namespace kmx
