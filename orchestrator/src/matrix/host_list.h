// The libvirt hosts a run may use: every --connect URI, then the [[host]]
// entries of a hosts file (a fleet of lab machines), each with optional
// caps and labels:
//
//   [[host]]
//   uri = "qemu+ssh://lab3.example/system"
//   cpus = 16            # at most this many host CPUs for VMs (default: all)
//   memory_mib = 65536   # at most this much memory for VMs (default: all)
//   labels = ["kvm", "rack-2"]
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kmx {

struct HostEntry {
  std::string uri;
  int cpus = 0;         // 0: what the host has
  long memory_mib = 0;  // 0: what the host has
  std::vector<std::string> labels;
  bool operator==(const HostEntry&) const = default;
};

// Throws MatrixError naming file:line:col and the fix.
std::vector<HostEntry> parse_hosts_file(std::string_view text, const std::string& file);
std::vector<HostEntry> read_hosts_file(const std::filesystem::path& path);

// The --connect URIs (in order), then the file's hosts; a URI given twice
// is an error (it would double the host's budget). Throws MatrixError.
std::vector<HostEntry> host_list(const std::vector<std::string>& connect, const std::vector<HostEntry>& from_file);

// "" when the URI can name a libvirt host, else why not and the fix.
std::string uri_problem(std::string_view uri);

}  // namespace kmx
