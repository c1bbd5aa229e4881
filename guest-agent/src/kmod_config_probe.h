// The configuration the kmod under test really reads in this guest: a
// sentinel file in each candidate modprobe.d directory shows, through
// `modprobe -c`, which directories it searches (a kmod built with another
// sysconfdir silently ignores every file in /etc/modprobe.d). The plain
// `modprobe -c` dump goes to the host, which hashes it so two cells with
// different effective configuration never compare as the same.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace kmx::agent {

struct KmodConfigProbe {
  bool available = false;                  // modprobe -c ran (busybox has no -c)
  std::vector<std::string> searched_dirs;  // candidates whose sentinel appeared
  std::string dump;                        // `modprobe -c` without sentinels, capped
  std::size_t dump_bytes = 0;              // its full size
};

inline constexpr std::size_t kMaxConfigDumpBytes = 256 * 1024;

// Where kmod versions and distributions look for modprobe.d files.
inline const std::vector<std::string> kCandidateConfigDirs = {"/etc/modprobe.d",           "/run/modprobe.d",
                                                              "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d",
                                                              "/lib/modprobe.d",           "/usr/etc/modprobe.d"};

KmodConfigProbe probe_kmod_config();

}  // namespace kmx::agent
