// The configuration the kmod under test really reads in this guest: a
// sentinel in /etc/modprobe.d must show up in `modprobe -c` (a kmod built
// with another sysconfdir silently ignores every file there), and the
// `modprobe -c` dump itself, which the host hashes so two cells with
// different effective configuration never compare as the same.
#pragma once

#include <cstddef>
#include <string>

namespace kmx::agent {

struct KmodConfigProbe {
  bool available = false;            // modprobe -c ran (busybox has no -c)
  bool reads_etc_modprobe_d = false;  // the sentinel appeared
  std::string dump;                  // `modprobe -c` without the sentinel, capped
  std::size_t dump_bytes = 0;        // its full size
};

inline constexpr std::size_t kMaxConfigDumpBytes = 256 * 1024;

KmodConfigProbe probe_kmod_config();

}  // namespace kmx::agent
