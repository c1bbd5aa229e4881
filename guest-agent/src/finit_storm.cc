#include "finit_storm.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace kmx::agent {

int finit_storm(const char* path, int count) {
  if (count < 1 || count > 1024) {
    std::fprintf(stderr, "finit storm: count must be 1..1024\n");
    return 2;
  }
  std::vector<int> fds(static_cast<size_t>(count));
  for (auto& fd : fds) {
    fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(stderr, "finit storm: open %s: %s\n", path, std::strerror(errno));
      return 2;
    }
  }
  std::vector<int> results(static_cast<size_t>(count));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < count) {
      }  // start together
      long rc = ::syscall(SYS_finit_module, fds[static_cast<size_t>(i)], "", 0);
      results[static_cast<size_t>(i)] = rc == 0 ? 0 : errno;
    });
  }
  for (auto& t : threads) t.join();
  for (int fd : fds) ::close(fd);
  std::map<std::string, int> by_errno;
  int ok = 0;
  int other = 0;
  for (int r : results) {
    if (r == 0) {
      ++ok;
      continue;
    }
    const char* name = strerrorname_np(r);
    ++by_errno[name ? name : std::to_string(r)];
    if (r != EEXIST) ++other;
  }
  std::printf("KMX-METRIC finit_calls=%d\nKMX-METRIC finit_ok=%d\nKMX-METRIC finit_other=%d\n", count, ok, other);
  for (const auto& [name, n] : by_errno) std::printf("KMX-METRIC finit_errno_%s=%d\n", name.c_str(), n);
  return 0;
}

}  // namespace kmx::agent
