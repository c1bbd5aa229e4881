// cleanup: destroy, on every host given, the domains of this machine's
// kmod-matrix runs whose process is gone; other machines' stay.
#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/run_setup.h"
#include "run/stale_domains.h"

namespace kmx {

CommandRun setup_cleanup_command(CLI::App& command, ContextOptions& shared) {
  add_host_options(command, shared);
  return [](Context& ctx) {
    const DomainOwner me = this_process_owner();
    for (std::size_t h = 0; h < ctx.hosts().size(); ++h)
      for (const auto& name : destroy_stale_domains(ctx.driver(h), me))
        std::cout << "destroyed " << name << " on " << ctx.hosts()[h].uri << "\n";
    return kExitOk;
  };
}

}  // namespace kmx
