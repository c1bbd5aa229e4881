#include "event_channel.h"

#include <fcntl.h>
#include <sys/klog.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "kernel_marker.h"
#include "kmx/protocol.h"

namespace kmx::agent {
namespace {

constexpr int kSyslogActionConsoleLevel = 8;  // SYSLOG_ACTION_CONSOLE_LEVEL in linux/syslog.h

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;  // nowhere left to report to
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

EventChannel::EventChannel() {
  fd_ = ::open(std::string(protocol::kAgentDevice).c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd_ >= 0) {
    termios tio{};
    if (tcgetattr(fd_, &tio) == 0) {
      cfmakeraw(&tio);  // no \n -> \r\n translation on the wire
      tcsetattr(fd_, TCSANOW, &tio);
    }
  } else {
    fd_ = ::dup(STDOUT_FILENO);
  }
  kmsg_fd_ = ::open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
}

EventChannel::~EventChannel() {
  if (fd_ >= 0) ::close(fd_);
  if (kmsg_fd_ >= 0) ::close(kmsg_fd_);
}

void EventChannel::emit(std::string_view event, nlohmann::json fields) {
  fields["v"] = protocol::kVersion;
  fields["ev"] = event;
  // Test output is arbitrary bytes: replace invalid UTF-8 rather than throw.
  std::string line = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  write_all(fd_, line);
}

void EventChannel::kernel_marker(std::string_view kind, const std::string& test) {
  if (kmsg_fd_ < 0) return;
  ::klogctl(kSyslogActionConsoleLevel, nullptr, protocol::kConsoleLogLevel);
  const std::string nonce = random_marker_nonce();
  // /dev/kmsg takes one record per write(): a short write is a lost marker.
  if (!write_all(kmsg_fd_, kernel_marker_record(kind, test, nonce))) return;
  emit(protocol::kEventMarker, {{"test", test}, {"kind", kind}, {"nonce", nonce}});
}

}  // namespace kmx::agent
