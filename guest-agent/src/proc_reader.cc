#include "proc_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace kmx::agent {
namespace {

constexpr unsigned long kPfKthread = 0x00200000;

long number_after(const std::string& text, std::size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == ':')) ++pos;
  if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') return -1;
  return std::strtol(text.c_str() + pos, nullptr, 10);
}

// The position just after "key" where it starts a line, or npos.
std::size_t line_key(const std::string& text, const std::string& key) {
  for (std::size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + 1)) {
    const bool line_start = pos == 0 || text[pos - 1] == '\n';
    const std::size_t after = pos + key.size();
    if (line_start && after < text.size() && (text[after] == ':' || text[after] == ' ')) return after;
  }
  return std::string::npos;
}

}  // namespace

std::string read_bounded(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string text;
  char buf[4096];
  while (text.size() < max_bytes) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (text.size() > max_bytes) text.resize(max_bytes);
  return text;
}

long meminfo_kib(const std::string& meminfo, const std::string& key) {
  const std::size_t at = line_key(meminfo, key);
  return at == std::string::npos ? -1 : number_after(meminfo, at);
}

long vmstat_value(const std::string& vmstat, const std::string& key) {
  const std::size_t at = line_key(vmstat, key);
  return at == std::string::npos ? -1 : number_after(vmstat, at);
}

bool parse_proc_stat(const std::string& text, ProcStat& out) {
  const std::size_t open = text.find('(');
  const std::size_t close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  out.pid = static_cast<pid_t>(std::strtol(text.c_str(), nullptr, 10));
  out.comm = text.substr(open + 1, close - open - 1);
  std::istringstream rest(text.substr(close + 1));
  std::string state;
  long ppid = 0, pgrp = 0, session = 0, tty = 0, tpgid = 0;
  unsigned long flags = 0;
  if (!(rest >> state >> ppid >> pgrp >> session >> tty >> tpgid >> flags) || state.empty()) return false;
  out.state = state[0];
  out.pgrp = static_cast<pid_t>(pgrp);
  out.kernel_thread = (flags & kPfKthread) != 0;
  return true;
}

void for_each_process(const std::function<void(const ProcStat&)>& visit) {
  DIR* dir = ::opendir("/proc");
  if (!dir) return;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    ProcStat stat;
    if (parse_proc_stat(read_bounded(std::string("/proc/") + e->d_name + "/stat", 1024), stat)) visit(stat);
  }
  ::closedir(dir);
}

}  // namespace kmx::agent
