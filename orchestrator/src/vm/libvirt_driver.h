// VmDriver over the libvirt C API: transient domains, serial ports to files.
#pragma once

#include <libvirt/libvirt.h>

#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "vm/file_tail.h"
#include "vm/vm_driver.h"

namespace kmx {

class LibvirtDriver : public VmDriver {
 public:
  // Throws std::runtime_error with a fix when the daemon does not answer.
  explicit LibvirtDriver(const std::string& uri);
  ~LibvirtDriver() override;

  std::string start(const VmSpec& spec) override;
  bool is_running(const std::string& name) override;
  void destroy(const std::string& name) override;
  std::vector<std::string> list_own_domains() override;
  bool send_sysrq(const std::string& name, char key) override;
  std::string read_console(const std::string& name) override;
  std::string read_agent(const std::string& name) override;
  void forget(const std::string& name) override;

 private:
  struct Streams {
    FileTail console;
    FileTail agent;
    VmSpec spec;  // log paths and caps
  };
  Streams* streams(const std::string& name);

  virConnectPtr conn_ = nullptr;
  std::mutex mutex_;
  // libvirt's destroy takes ~1.8 s here; results never wait for it. The
  // destructor joins every destroyer, so no domain outlives the driver.
  std::vector<std::thread> destroyers_;
  std::map<std::string, Streams> streams_;
};

}  // namespace kmx
