#include "hang_dump.h"

#include <fcntl.h>
#include <unistd.h>

#include "kmx/protocol.h"
#include "proc_reader.h"

namespace kmx::agent {

void request_blocked_task_dump() {
  const int fd = ::open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)!::write(fd, "w", 1);
  ::close(fd);
}

std::string collect_hang_dump(pid_t test_pgrp) {
  std::string dump = "kmod-matrix: processes of the test (group " + std::to_string(test_pgrp) +
                     ") and tasks in D state, at the test's limit\n";
  for_each_process([&](const ProcStat& p) {
    if (dump.size() >= protocol::kMaxHangDumpBytes) return;
    if (p.pgrp != test_pgrp && p.state != 'D') return;
    const std::string dir = "/proc/" + std::to_string(p.pid);
    std::string wchan = read_bounded(dir + "/wchan", 256);
    dump += "\npid " + std::to_string(p.pid) + " (" + p.comm + ") state " + p.state + " pgrp " +
            std::to_string(p.pgrp) + " wchan " + (wchan.empty() ? "-" : wchan) + "\n";
    dump += read_bounded(dir + "/stack", 8192);
  });
  if (dump.size() > protocol::kMaxHangDumpBytes) dump.resize(protocol::kMaxHangDumpBytes);
  return dump;
}

}  // namespace kmx::agent
