#include "kmod_config_probe.h"

#include <unistd.h>

#include <fstream>
#include <vector>

#include "test_process.h"

namespace kmx::agent {
namespace {

constexpr const char* kSentinelFile = "/etc/modprobe.d/kmx-config-probe.conf";
constexpr const char* kSentinelLine = "options kmx_config_probe seen=1";

struct Dump {
  int exit_code = -1;
  std::string text;
  std::size_t bytes = 0;
};

Dump modprobe_config() {
  Dump d;
  TestOutcome outcome = run_test_process({"/sbin/modprobe", "-c"}, "/", 20, [&](const std::string& line) {
    d.bytes += line.size() + 1;
    if (d.text.size() + line.size() + 1 <= kMaxConfigDumpBytes) d.text += line + "\n";
  });
  d.exit_code = outcome.signal == 0 ? outcome.exit_code : -1;
  return d;
}

}  // namespace

KmodConfigProbe probe_kmod_config() {
  KmodConfigProbe probe;
  if (::access("/bin/kmod", X_OK) != 0) return probe;  // busybox modutils
  {
    std::ofstream sentinel(kSentinelFile);
    sentinel << kSentinelLine << "\n";
  }
  const Dump with_sentinel = modprobe_config();
  ::unlink(kSentinelFile);
  if (with_sentinel.exit_code != 0) return probe;
  probe.available = true;
  probe.reads_etc_modprobe_d = with_sentinel.text.find(kSentinelLine) != std::string::npos;
  const Dump plain = modprobe_config();
  probe.dump = plain.text;
  probe.dump_bytes = plain.bytes;
  return probe;
}

}  // namespace kmx::agent
