#include "kernel_marker.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <vector>

#include "kmx/protocol.h"

namespace kmx::agent {

std::string random_marker_nonce() {
  std::vector<unsigned char> bytes(protocol::kMarkerNonceBytes, 0);
  std::size_t got = 0;
  // /dev/urandom, not getrandom(): early in boot on old kernels getrandom
  // can block until the CRNG is seeded, and a test must not wait on that.
  const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  while (fd >= 0 && got < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (fd >= 0) ::close(fd);
  if (got < bytes.size()) {
    // No urandom: still unpredictable enough to a test that cannot read our clock reads.
    auto t = static_cast<unsigned long long>(std::chrono::steady_clock::now().time_since_epoch().count());
    for (auto& b : bytes) {
      t = t * 6364136223846793005ULL + 1442695040888963407ULL;
      b = static_cast<unsigned char>(t >> 56);
    }
  }
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

std::string kernel_marker_record(std::string_view kind, std::string_view test, std::string_view nonce) {
  std::string line = "<6>";
  line += protocol::kConsoleMarker;
  line += kind;
  line += ' ';
  line += test;
  line += ' ';
  line += nonce;
  line += '\n';
  return line;
}

}  // namespace kmx::agent
