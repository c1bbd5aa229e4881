#include "guest_system.h"

#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "kmx/protocol.h"
#include "test_process.h"

namespace kmx::agent {
namespace {

void mount_one(const char* source, const char* target, const char* type, std::vector<std::string>& problems) {
  ::mkdir(target, 0755);
  if (::mount(source, target, type, 0, nullptr) != 0 && errno != EBUSY) {
    problems.push_back(std::string("mount ") + type + " on " + target + ": " + std::strerror(errno));
  }
}

bool write_file(const char* path, const std::string& value) {
  std::ofstream out(path);
  out << value;
  return static_cast<bool>(out.flush());
}

}  // namespace

std::vector<std::string> prepare_guest_system() {
  std::vector<std::string> problems;
  mount_one("proc", "/proc", "proc", problems);
  mount_one("sysfs", "/sys", "sysfs", problems);
  mount_one("devtmpfs", "/dev", "devtmpfs", problems);
  mount_one("debugfs", "/sys/kernel/debug", "debugfs", problems);
  mount_one("tmpfs", "/tmp", "tmpfs", problems);
  mount_one("tmpfs", "/run", "tmpfs", problems);
  if (!write_file("/proc/sys/kernel/modprobe", "/sbin/modprobe"))
    problems.push_back("cannot write /proc/sys/kernel/modprobe");
  if (!write_file("/proc/self/oom_score_adj", "-1000")) problems.push_back("cannot set oom_score_adj of the agent");
  ::setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
  ::setenv("HOME", "/root", 1);
  ::setenv("TERM", "dumb", 1);
  return problems;
}

namespace {

int parse_seconds(const std::string& text, int fallback) {
  try {
    int v = std::stoi(text);
    return v > 0 ? v : fallback;
  } catch (const std::exception&) {
    return fallback;
  }
}

}  // namespace

AgentConfig parse_kernel_cmdline(const std::string& cmdline) {
  AgentConfig config;
  int default_timeout = 600;
  std::vector<std::string> entries;
  std::istringstream words(cmdline);
  std::string word;
  while (words >> word) {
    if (word.starts_with(protocol::kParamTests)) {
      std::istringstream ids(word.substr(protocol::kParamTests.size()));
      std::string entry;
      while (std::getline(ids, entry, ','))
        if (!entry.empty()) entries.push_back(entry);
    } else if (word.starts_with(protocol::kParamTimeout)) {
      default_timeout = parse_seconds(word.substr(protocol::kParamTimeout.size()), default_timeout);
    }
  }
  for (const auto& entry : entries) {
    auto at = entry.find('@');
    if (at == std::string::npos) {
      config.tests.push_back({entry, default_timeout});
      continue;
    }
    // "1500x20": 1500 s, 20 rounds; a bad count keeps the suite's own.
    const std::string limits = entry.substr(at + 1);
    const auto x = limits.find('x');
    const int rounds = x == std::string::npos ? 0 : parse_seconds(limits.substr(x + 1), 0);
    config.tests.push_back({entry.substr(0, at), parse_seconds(limits.substr(0, x), default_timeout), rounds});
  }
  return config;
}

std::string read_file_trimmed(const std::string& path) {
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!content.empty() && (content.back() == '\n' || content.back() == ' ')) content.pop_back();
  return content;
}

std::string guest_kmod_version() {
  auto first_line_of = [](const std::vector<std::string>& argv) {
    std::string first;
    TestOutcome outcome = run_test_process(argv, "/", 10, [&](const std::string& line) {
      if (first.empty()) first = line;
    });
    return std::make_pair(outcome.exit_code, first);
  };
  auto [code, line] = first_line_of({"/sbin/modprobe", "--version"});
  // busybox's modprobe has no --version; its banner names the version.
  if (code != 0 && ::access("/bin/kmod", X_OK) != 0) line = first_line_of({"/bin/busybox"}).second;
  return line;
}

double guest_uptime_seconds() {
  std::ifstream in("/proc/uptime");
  double seconds = -1;
  return in >> seconds ? seconds : -1;
}

void power_off() {
  ::sync();
  ::reboot(RB_POWER_OFF);
  for (;;) ::pause();  // reboot() only returns on error; PID 1 must not exit
}

}  // namespace kmx::agent
