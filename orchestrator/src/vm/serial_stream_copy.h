// Copies what a domain writes on one serial port, read over a libvirt
// stream (virDomainOpenConsole), into a local file: how the console and
// agent ports of a host that shares no file with this one reach the boot
// session, which reads them like the local host's log files.
#pragma once

#include <libvirt/libvirt.h>

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <string>
#include <thread>

namespace kmx {

class SerialStreamCopy {
 public:
  // Opens the port `device` ("serial0") of a domain that is still paused,
  // so not a byte is written before the copy runs. Throws
  // std::runtime_error when libvirt refuses. Past max_bytes the copy keeps
  // reading, to let the guest go on, but writes only another MiB: enough
  // for the reader to see the cap exceeded.
  SerialStreamCopy(virConnectPtr conn, virDomainPtr domain, const std::string& device, std::filesystem::path file,
                   std::size_t max_bytes);
  SerialStreamCopy(const SerialStreamCopy&) = delete;
  SerialStreamCopy& operator=(const SerialStreamCopy&) = delete;
  // Waits for the stream's end, which comes with the domain's.
  ~SerialStreamCopy();

  // The stream ended (the domain stopped, or the connection broke).
  bool finished() const { return finished_; }

 private:
  void copy();

  virStreamPtr stream_ = nullptr;
  int fd_ = -1;
  std::size_t keep_bytes_;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace kmx
