// JSON-lines event stream from the agent to the host (second serial port),
// plus begin/end markers in the kernel log so the host can cut the console
// (kernel_marker.h says why they carry nonces).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kmx::agent {

class EventChannel {
 public:
  // Opens the agent device in raw mode and /dev/kmsg; falls back to stdout
  // when the device is missing so the agent can run on a host for tests.
  EventChannel();
  ~EventChannel();
  EventChannel(const EventChannel&) = delete;
  EventChannel& operator=(const EventChannel&) = delete;

  // Adds "v" and "ev" and writes one line.
  void emit(std::string_view event, nlohmann::json fields);
  // Writes "kmod-matrix: <kind> <test> <nonce>" to /dev/kmsg and, once it is
  // there, reports the nonce in a "marker" event. kind: protocol::kMarkerKind*.
  void kernel_marker(std::string_view kind, const std::string& test);

 private:
  int fd_ = -1;
  int kmsg_fd_ = -1;
};

}  // namespace kmx::agent
