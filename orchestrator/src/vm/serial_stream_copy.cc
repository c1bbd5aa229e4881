#include "vm/serial_stream_copy.h"

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

#include "vm/libvirt_error.h"

namespace kmx {

SerialStreamCopy::SerialStreamCopy(virConnectPtr conn, virDomainPtr domain, const std::string& device,
                                   std::filesystem::path file, std::size_t max_bytes)
    : keep_bytes_(max_bytes + (1 << 20)) {
  fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot create " + file.string() + " for the guest's " + device);
  stream_ = virStreamNew(conn, 0);
  if (!stream_ || virDomainOpenConsole(domain, device.c_str(), stream_, VIR_DOMAIN_CONSOLE_FORCE) != 0) {
    const std::string why = libvirt_last_error();
    if (stream_) virStreamFree(stream_);
    ::close(fd_);
    throw std::runtime_error("libvirt could not open the guest's " + device + ": " + why);
  }
  thread_ = std::thread([this] { copy(); });
}

SerialStreamCopy::~SerialStreamCopy() {
  if (thread_.joinable()) thread_.join();
  virStreamFree(stream_);
  ::close(fd_);
}

void SerialStreamCopy::copy() {
  std::vector<char> buffer(64 << 10);
  std::size_t written = 0;
  while (true) {
    const int n = virStreamRecv(stream_, buffer.data(), buffer.size());
    if (n <= 0) {  // 0: the domain closed the port; < 0: the stream or connection broke
      if (n == 0)
        virStreamFinish(stream_);
      else
        virStreamAbort(stream_);
      break;
    }
    std::size_t keep = written < keep_bytes_ ? std::min<std::size_t>(n, keep_bytes_ - written) : 0;
    for (std::size_t off = 0; off < keep;) {
      const ssize_t w = ::write(fd_, buffer.data() + off, keep - off);
      if (w <= 0) {
        keep = off;  // a full disk: the reader sees what arrived
        break;
      }
      off += static_cast<std::size_t>(w);
    }
    written += keep;
  }
  finished_ = true;
}

}  // namespace kmx
