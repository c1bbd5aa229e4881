#include "vm/libvirt_driver.h"

#include <libvirt/virterror.h>

#include <stdexcept>

#include "vm/domain_name.h"
#include "vm/domain_xml.h"

namespace kmx {
namespace {

void silent_error_handler(void*, virErrorPtr) {}

std::string last_error() {
  const char* message = virGetLastErrorMessage();
  return message ? message : "unknown libvirt error";
}

struct DomainHandle {
  virDomainPtr ptr;
  ~DomainHandle() {
    if (ptr) virDomainFree(ptr);
  }
};

std::uintmax_t fs_size(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

LibvirtDriver::LibvirtDriver(const std::string& uri) {
  virSetErrorFunc(nullptr, silent_error_handler);
  conn_ = virConnectOpen(uri.c_str());
  if (!conn_)
    throw std::runtime_error("cannot connect to libvirt at " + uri + ": " + last_error() +
                             "\n  fix: run ci/setup-host.sh (starts virtlogd and libvirtd), or pass --connect URI");
}

LibvirtDriver::~LibvirtDriver() {
  std::vector<std::thread> pending;
  {
    std::lock_guard lock(mutex_);
    pending.swap(destroyers_);
  }
  for (auto& t : pending) t.join();
  if (conn_) virConnectClose(conn_);
}

std::string LibvirtDriver::start(const VmSpec& spec) {
  {
    std::lock_guard lock(mutex_);
    streams_.erase(spec.name);
    streams_.emplace(spec.name, Streams{FileTail(spec.console_log), FileTail(spec.agent_log), spec});
  }
  DomainHandle dom{virDomainCreateXML(conn_, domain_xml(spec).c_str(), 0)};
  if (!dom.ptr) return "libvirt could not start " + spec.name + ": " + last_error();
  return "";
}

bool LibvirtDriver::is_running(const std::string& name) {
  DomainHandle dom{virDomainLookupByName(conn_, name.c_str())};
  return dom.ptr && virDomainIsActive(dom.ptr) == 1;
}

void LibvirtDriver::destroy(const std::string& name) {
  // Even the lookup waits while libvirtd tears down a guest that powered
  // itself off, so all of it happens off the caller's thread.
  std::lock_guard lock(mutex_);
  destroyers_.emplace_back([this, name] {
    DomainHandle dom{virDomainLookupByName(conn_, name.c_str())};
    if (dom.ptr) virDomainDestroy(dom.ptr);
  });
}

std::vector<std::string> LibvirtDriver::list_own_domains() {
  std::vector<std::string> names;
  virDomainPtr* domains = nullptr;
  int n = virConnectListAllDomains(conn_, &domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
  for (int i = 0; i < n; ++i) {
    const char* name = virDomainGetName(domains[i]);
    if (name && std::string_view(name).starts_with(kDomainPrefix)) names.emplace_back(name);
    virDomainFree(domains[i]);
  }
  free(domains);
  return names;
}

LibvirtDriver::Streams* LibvirtDriver::streams(const std::string& name) {
  auto it = streams_.find(name);
  return it == streams_.end() ? nullptr : &it->second;
}

bool LibvirtDriver::send_sysrq(const std::string& name, char key) {
  // Linux input key codes (linux/input-event-codes.h) of the letters sysrq
  // dumps are asked with.
  static const std::map<char, unsigned int> kLetters = {{'w', 17}, {'t', 20}, {'m', 50}, {'l', 38}};
  constexpr unsigned int kLeftAlt = 56, kSysRq = 99;
  auto letter = kLetters.find(key);
  if (letter == kLetters.end()) return false;
  DomainHandle dom{virDomainLookupByName(conn_, name.c_str())};
  if (!dom.ptr) return false;
  unsigned int keys[] = {kLeftAlt, kSysRq, letter->second};
  return virDomainSendKey(dom.ptr, VIR_KEYCODE_SET_LINUX, 100, keys, 3, 0) == 0;
}

std::string LibvirtDriver::read_console(const std::string& name) {
  std::lock_guard lock(mutex_);
  Streams* s = streams(name);
  return s ? s->console.read_new() : "";
}

std::string LibvirtDriver::read_agent(const std::string& name) {
  std::lock_guard lock(mutex_);
  Streams* s = streams(name);
  return s ? s->agent.read_new() : "";
}

void LibvirtDriver::forget(const std::string& name) {
  std::lock_guard lock(mutex_);
  Streams* s = streams(name);
  if (!s) return;
  const VmSpec spec = s->spec;
  streams_.erase(name);
  const bool console_over = fs_size(spec.console_log) > spec.console_max_bytes;
  const bool agent_over = fs_size(spec.agent_log) > spec.agent_max_bytes;
  if (!console_over && !agent_over) return;
  // A flooding guest: once QEMU is gone (the destroy may still be under way),
  // cut its logs to their caps, first and last part kept.
  destroyers_.emplace_back([this, spec] {
    DomainHandle dom{virDomainLookupByName(conn_, spec.name.c_str())};
    if (dom.ptr && virDomainIsActive(dom.ptr) == 1) virDomainDestroy(dom.ptr);
    cap_log_file(spec.console_log, spec.console_max_bytes);
    cap_log_file(spec.agent_log, spec.agent_max_bytes);
  });
}

}  // namespace kmx
