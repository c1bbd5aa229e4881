// setup-host [--undo]: prepares this host as ci/setup-host.sh does from a
// checkout (apt suites for other Debian releases' kernels, pinned low; the
// libvirt user and /dev/kvm; the libvirt daemons, without systemd) by
// running the installed copy of that same script, without installing
// packages (the Debian package's Depends and Recommends are those);
// --undo reverses what it recorded. The script replaces this process, so
// its output, prompts and exit status are the command's.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/exit_codes.h"

namespace kmx {
namespace {

int setup_host(const Installation& installation, bool undo) {
  const std::filesystem::path& script = installation.setup_host;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(script, ec)) {
    std::cerr << "kmod-matrix: setup-host: " << script.string()
              << " is missing\n  fix: reinstall kmod-matrix (apt install --reinstall kmod-matrix), or run "
                 "ci/setup-host.sh from a checkout\n";
    return kExitBadInput;
  }
  std::string path = script.string(), mode = undo ? "--undo" : "--packages=none";
  char bash[] = "/bin/bash";
  char* argv[] = {bash, path.data(), mode.data(), nullptr};
  std::cout.flush();
  ::execv(bash, argv);
  std::cerr << "kmod-matrix: setup-host: cannot run /bin/bash " << path << ": " << std::strerror(errno) << "\n";
  return kExitBadInput;
}

}  // namespace

CommandRun setup_setup_host_command(CLI::App& command, ContextOptions&) {
  auto undo = std::make_shared<bool>(false);
  command.add_flag("--undo", *undo,
                   "reverse what setup-host recorded: remove its apt source and pin files, the accounts it created, "
                   "/dev/kvm's owner and mode, the daemons it started");
  command.footer("Runs as root. Idempotent: each step checks before it acts. Installs no package.");
  return [undo](Context& ctx) { return setup_host(ctx.installation(), *undo); };
}

}  // namespace kmx
