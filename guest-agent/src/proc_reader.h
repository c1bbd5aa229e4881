// Small, bounded reads of /proc for the agent's evidence: memory figures,
// and the guest's processes with their kernel state.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

namespace kmx::agent {

// At most max_bytes of a file; "" when it cannot be read.
std::string read_bounded(const std::string& path, std::size_t max_bytes = 64 * 1024);

// The value in kB of "<key>: <value> kB" in /proc/meminfo text; -1 if absent.
long meminfo_kib(const std::string& meminfo, const std::string& key);

// The value of "<key> <value>" in /proc/vmstat text; -1 if absent.
long vmstat_value(const std::string& vmstat, const std::string& key);

struct ProcStat {
  pid_t pid = 0;
  std::string comm;
  char state = '?';
  pid_t pgrp = 0;
  bool kernel_thread = false;  // PF_KTHREAD
};

// Parses /proc/<pid>/stat ("pid (comm) S ppid pgrp ... flags ..."); the
// comm may hold spaces and parentheses, so fields count from the last ')'.
bool parse_proc_stat(const std::string& text, ProcStat& out);

// Calls visit for every process /proc lists (threads not included).
void for_each_process(const std::function<void(const ProcStat&)>& visit);

}  // namespace kmx::agent
