// The host a run ran on, recorded in results.json and history.db: what tells
// two nights apart when the code did not change. Collected once per run.
#pragma once

#include <string>

#include "cli/host_limits.h"
#include "os/process_runner.h"
#include "store/run_result.h"

namespace kmx {

// "QEMU emulator version 7.2.0 (Debian 1:7.2+dfsg-7)" from the first line
// of `qemu-system-x86_64 --version`; "" when it did not run.
std::string first_output_line(const ProcessResult& result);

// Hostname and kernel from uname, CPUs and memory from `limits`, QEMU and
// libvirt versions through `runner` (`qemu-system-x86_64 --version`,
// `virsh --version`). A fact that cannot be learned stays empty.
HostFacts collect_host_facts(ProcessRunner& runner, const HostLimits& limits);

}  // namespace kmx
