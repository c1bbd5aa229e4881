// cleanup: destroy the domains of kmod-matrix runs whose owner is dead.
#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "run/stale_domains.h"

namespace kmx {

CommandRun setup_cleanup_command(CLI::App& command, ContextOptions& shared) {
  command.add_option("--connect", shared.connect, "libvirt URI")->capture_default_str();
  return [](Context& ctx) {
    for (const auto& name : destroy_stale_domains(ctx.driver())) std::cout << "destroyed " << name << "\n";
    return kExitOk;
  };
}

}  // namespace kmx
