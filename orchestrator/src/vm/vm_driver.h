// The hypervisor boundary. The libvirt driver is the real one; tests use a
// scripted fake. Callers never learn which backend runs.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "vm/domain_owner.h"

namespace kmx {

enum class Accel { kKvm, kTcg };
std::string_view to_string(Accel accel);

struct VmSpec {
  std::string name;  // see domain_name.h
  Accel accel = Accel::kTcg;
  int vcpus = 1;
  int memory_mib = 512;
  std::filesystem::path kernel;
  std::filesystem::path initrd;
  std::string cmdline;
  std::filesystem::path console_log;  // ttyS0: kernel console
  std::filesystem::path agent_log;    // ttyS1: agent events
  // What the guest may write on each port in one boot, in memory and on
  // disk; a real run stays far below (the host ends a boot that gets there).
  std::size_t console_max_bytes = 64 << 20;
  std::size_t agent_max_bytes = 64 << 20;
  bool operator==(const VmSpec&) const = default;
};

// What a host has for VMs, as its hypervisor reports it.
struct HostResources {
  int cpus = 0;
  long memory_mib = 0;
};

class VmDriver {
 public:
  virtual ~VmDriver() = default;
  // Boots the VM; returns an empty string on success, else why it failed.
  virtual std::string start(const VmSpec& spec) = 0;
  // A hint that start(spec) is likely to come soon. A driver may make the
  // domain now, paused and off the caller's path, so that start(spec) only
  // resumes it; it ends what it made and nobody started, at the latest when
  // it is itself destroyed. Returns at once.
  virtual void prepare(const VmSpec& /*spec*/) {}
  virtual bool is_running(const std::string& name) = 0;
  // Stops the VM at once (no guest shutdown). Idempotent.
  virtual void destroy(const std::string& name) = 0;
  // Names of every running domain of this tool (prefix "kmx-"), whoever
  // started it: on a shared host, other machines' too.
  virtual std::vector<std::string> list_own_domains() = 0;
  // The owner a domain's metadata names; nullopt when it names none
  // (not made by kmod-matrix, or by a version before owners).
  virtual std::optional<DomainOwner> owner_of(const std::string& name) = 0;
  // Presses Alt+SysRq+<key> on the guest's keyboard ('w': blocked tasks,
  // 't': every task): the kernel answers on the console even when nothing
  // in user space runs. Returns false when the key could not be sent.
  virtual bool send_sysrq(const std::string& name, char key) = 0;
  // What the guest wrote on each channel since the previous call.
  virtual std::string read_console(const std::string& name) = 0;
  virtual std::string read_agent(const std::string& name) = 0;
  // Drops per-VM bookkeeping once the caller is done with it, and leaves the
  // VM's logs within their caps once it is gone.
  virtual void forget(const std::string& name) = 0;
  // False once the host is lost (daemon killed, connection cut): nothing
  // more will come from it, and its domains are out of reach.
  virtual bool connection_alive() { return true; }
  // Whether the host sees this machine's files (the local host): only then
  // may a domain that names no owner be judged by the pid in its name.
  virtual bool shares_files() const { return true; }
  // The host's CPUs and memory; nullopt when the hypervisor does not say.
  virtual std::optional<HostResources> resources() { return std::nullopt; }
};

}  // namespace kmx
