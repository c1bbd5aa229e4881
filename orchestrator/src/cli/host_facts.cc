#include "cli/host_facts.h"

#include <sys/utsname.h>

#include <chrono>

namespace kmx {

std::string first_output_line(const ProcessResult& result) {
  if (!result.ok()) return "";
  std::string line = result.output.substr(0, result.output.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

HostFacts collect_host_facts(ProcessRunner& runner, const HostLimits& limits) {
  HostFacts facts;
  utsname uts{};
  if (::uname(&uts) == 0) {
    facts.hostname = uts.nodename;
    facts.kernel = uts.release;
  }
  facts.cpus = limits.cpus;
  facts.memory_mib = limits.memory_mib;
  ProcessOptions options;
  options.timeout = std::chrono::seconds(10);
  facts.qemu_version = first_output_line(runner.run({"qemu-system-x86_64", "--version"}, options));
  facts.libvirt_version = first_output_line(runner.run({"virsh", "--version"}, options));
  return facts;
}

}  // namespace kmx
