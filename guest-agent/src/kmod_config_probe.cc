#include "kmod_config_probe.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "test_process.h"

namespace kmx::agent {
namespace {

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

// Distinct file names: kmod reads only the first of equally named files.
std::string sentinel_file(std::size_t i) { return "/kmx-config-probe-" + std::to_string(i) + ".conf"; }
std::string sentinel_line(std::size_t i) { return "options kmx_config_probe_" + std::to_string(i) + " seen=1"; }

}  // namespace

KmodConfigProbe probe_kmod_config() {
  KmodConfigProbe probe;
  if (::access("/bin/kmod", X_OK) != 0) return probe;  // busybox modutils
  std::vector<std::string> created_dirs;
  for (std::size_t i = 0; i < kCandidateConfigDirs.size(); ++i) {
    const std::string& dir = kCandidateConfigDirs[i];
    if (::access(dir.c_str(), F_OK) != 0) {
      // Parents (/usr/local/lib ...) may be missing too; only the last level is removed again.
      for (auto at = dir.find('/', 1); at != std::string::npos; at = dir.find('/', at + 1))
        ::mkdir(dir.substr(0, at).c_str(), 0755);
      if (::mkdir(dir.c_str(), 0755) == 0) created_dirs.push_back(dir);
    }
    std::ofstream(dir + sentinel_file(i)) << sentinel_line(i) << "\n";
  }
  const Dump with_sentinels = modprobe_config();
  for (std::size_t i = 0; i < kCandidateConfigDirs.size(); ++i) {
    ::unlink((kCandidateConfigDirs[i] + sentinel_file(i)).c_str());
    if (with_sentinels.text.find(sentinel_line(i)) != std::string::npos)
      probe.searched_dirs.push_back(kCandidateConfigDirs[i]);
  }
  for (const auto& dir : created_dirs) ::rmdir(dir.c_str());
  if (with_sentinels.exit_code != 0) return probe;
  probe.available = true;
  const Dump plain = modprobe_config();
  probe.dump = plain.text;
  probe.dump_bytes = plain.bytes;
  return probe;
}

}  // namespace kmx::agent
