#include "vm/libvirt_driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "vm/domain_name.h"
#include "vm/domain_xml.h"
#include "vm/libvirt_error.h"

namespace kmx {
namespace {

void silent_error_handler(void*, virErrorPtr) {}

// libvirt's keepalive needs an event loop: with it a host that vanishes
// (crash, cut network, not only a killed daemon) is noticed within seconds.
void start_event_loop_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (virEventRegisterDefaultImpl() != 0) return;
    std::thread([] {
      while (virEventRunDefaultImpl() == 0) {
      }
    }).detach();
  });
}

constexpr int kKeepAliveIntervalS = 5, kKeepAliveCount = 3;

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

// A file or directory made for a domain that never ran, when it holds nothing.
void remove_if_empty(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_empty(path, ec) && !ec) std::filesystem::remove(path, ec);
}

// Makes the directories a log file needs; returns those it made, deepest first.
std::vector<std::filesystem::path> directories_made_for(const std::filesystem::path& file) {
  std::vector<std::filesystem::path> missing;
  std::error_code ec;
  for (auto dir = file.parent_path(); !dir.empty() && !std::filesystem::exists(dir, ec); dir = dir.parent_path()) {
    missing.push_back(dir);
    if (dir == dir.parent_path()) break;
  }
  std::filesystem::create_directories(file.parent_path(), ec);
  return missing;
}

}  // namespace

bool uri_is_local(const std::string& uri) {
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) return true;  // an alias: libvirt resolves it on this machine
  const std::string scheme = uri.substr(0, scheme_end);
  const std::string rest = uri.substr(scheme_end + 3);
  if (scheme.find('+') != std::string::npos && !scheme.ends_with("+unix")) return false;
  return rest.empty() || rest.front() == '/';
}

LibvirtDriver::LibvirtDriver(const std::string& uri, PhaseTimings* timings)
    : uri_(uri), local_(uri_is_local(uri)), owner_(this_process_owner()), timings_(std::make_shared<TimingsSink>()) {
  timings_->sink = timings;
  virSetErrorFunc(nullptr, silent_error_handler);
  start_event_loop_once();
  conn_ = virConnectOpen(uri.c_str());
  if (!conn_)
    throw std::runtime_error(
        "cannot connect to libvirt at " + uri + ": " + libvirt_last_error() +
        (local_ ? "\n  fix: run ci/setup-host.sh (starts virtlogd and libvirtd), or pass --connect URI"
                : "\n  fix: check that libvirtd on that host listens and lets this user in "
                  "(virsh -c " +
                      uri + " list)"));
  virConnectSetKeepAlive(conn_, kKeepAliveIntervalS, kKeepAliveCount);
  if (!local_) uploads_ = std::make_unique<VolumeUploader>(conn_);
  if (local_)
    spares_ = std::make_unique<SpareDomains>([this](const VmSpec& spec) { return make_paused(spec); },
                                             [this](const VmSpec& spec) { discard_spare(spec); });
}

LibvirtDriver::~LibvirtDriver() {
  spares_.reset();  // a spare nobody started is destroyed, its empty logs removed
  std::vector<Destroyer> pending;
  {
    std::lock_guard lock(mutex_);
    pending.swap(destroyers_);
  }
  {
    std::lock_guard lock(timings_->mutex);
    timings_->sink = nullptr;  // a destroy that ends after this records nothing
  }
  // libvirtd finishes a destroy it was asked for, and ends every domain
  // started here with the connection (autodestroy): waiting for its teardown
  // (~1.2 s) would only hold up the process's exit. Other domains' destroys
  // (cleanup of a dead run's) are waited for.
  for (auto& d : pending)
    if (d.own_domain && !d.ended->load())
      d.thread.detach();
    else
      d.thread.join();
  // Every domain is gone, so every stream has ended or will at once.
  streams_.clear();
  retired_.clear();
  uploads_.reset();
  // A domain still here (a run cut short) ends with its connection.
  for (auto& [name, owner] : owners_) virConnectClose(owner);
  if (queries_) virConnectClose(queries_);
  if (conn_) virConnectClose(conn_);
}

std::string LibvirtDriver::start(const VmSpec& spec) {
  Streams* s = nullptr;
  {
    std::lock_guard lock(mutex_);
    streams_.erase(spec.name);
    s = &streams_.emplace(spec.name, Streams{FileTail(spec.console_log), FileTail(spec.agent_log), spec, {}})
             .first->second;
  }
  // Nobody reads this domain's entry before start returns (a map's nodes
  // stay put), so an upload holds up no other domain's reads.
  if (spares_) {
    {
      // The log directories are the caller's now, whatever becomes of a spare.
      std::lock_guard lock(mutex_);
      spare_dirs_.erase(spec.name);
    }
    std::optional<PhaseSpan> waiting(std::in_place, timings_->sink, "boot: wait for the VM made ahead (libvirt)");
    const bool made = spares_->take(spec);
    waiting.reset();
    if (made) {
      PhaseSpan span(timings_->sink, "boot: resume of the VM made ahead (libvirt)");
      DomainHandle dom{virDomainLookupByName(conn_, spec.name.c_str())};
      if (dom.ptr && virDomainResume(dom.ptr) == 0) return "";
      spdlog::warn("could not resume {}, made ahead: {}; starting it afresh", spec.name, libvirt_last_error());
      if (dom.ptr) virDomainDestroy(dom.ptr);
    }
    // A spare ended just now (another spec, or evicted) may have taken
    // directories with it that the caller had found in place.
    directories_made_for(spec.console_log);
    directories_made_for(spec.agent_log);
  }
  PhaseSpan span(timings_->sink, "boot: domain define and start (libvirt)");
  if (!local_) return start_remote(spec, *s);
  if (std::string why = make_local(spec, VIR_DOMAIN_START_AUTODESTROY); !why.empty())
    return "libvirt could not start " + spec.name + ": " + why;
  return "";
}

std::string LibvirtDriver::make_local(const VmSpec& spec, unsigned int flags) {
  virConnectPtr owner = virConnectOpen(uri_.c_str());
  if (!owner) return libvirt_last_error();
  DomainHandle dom{virDomainCreateXML(owner, domain_xml(spec, local_placement(spec, owner_)).c_str(), flags)};
  if (!dom.ptr) {
    const std::string why = libvirt_last_error();
    virConnectClose(owner);
    return why;
  }
  std::lock_guard lock(mutex_);
  started_here_.insert(spec.name);
  if (auto [it, added] = owners_.emplace(spec.name, owner); !added) {
    virConnectClose(it->second);  // a domain of the same name, gone before this one was made
    it->second = owner;
  }
  return "";
}

virConnectPtr LibvirtDriver::take_owner(const std::string& name) {
  if (auto it = owners_.find(name); it != owners_.end()) {
    virConnectPtr owner = it->second;
    owners_.erase(it);
    return owner;
  }
  virConnectRef(conn_);
  return conn_;
}

void LibvirtDriver::prepare(const VmSpec& spec) {
  if (spares_) spares_->prepare(spec);
}

std::string LibvirtDriver::make_paused(const VmSpec& spec) {
  PhaseSpan span(timings_->sink, "VM made ahead, paused (libvirt, off path)");
  std::vector<std::filesystem::path> made = directories_made_for(spec.console_log);
  for (const auto& dir : directories_made_for(spec.agent_log)) made.push_back(dir);
  const std::string why = make_local(spec, VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY);
  std::lock_guard lock(mutex_);
  if (!why.empty()) {
    for (const auto& dir : made) remove_if_empty(dir);
    return "libvirt could not make " + spec.name + " paused: " + why;
  }
  spare_dirs_[spec.name] = made;
  return "";
}

// Synchronous: the same name may be started next, and only once this
// domain is gone.
void LibvirtDriver::discard_spare(const VmSpec& spec) {
  virConnectPtr owner = nullptr;
  {
    std::lock_guard lock(mutex_);
    owner = take_owner(spec.name);
  }
  {
    DomainHandle dom{virDomainLookupByName(owner, spec.name.c_str())};
    if (dom.ptr) virDomainDestroy(dom.ptr);
  }
  virConnectClose(owner);
  std::vector<std::filesystem::path> made;
  {
    std::lock_guard lock(mutex_);
    started_here_.erase(spec.name);
    if (auto it = spare_dirs_.find(spec.name); it != spare_dirs_.end()) {
      made = it->second;
      spare_dirs_.erase(it);
    }
  }
  remove_if_empty(spec.console_log);
  remove_if_empty(spec.agent_log);
  for (const auto& dir : made) remove_if_empty(dir);
  spdlog::debug("destroyed {}, made ahead and never started", spec.name);
}

// Paused until both ports are read, so the copy misses no early byte.
std::string LibvirtDriver::start_remote(const VmSpec& spec, Streams& s) {
  DomainPlacement where{"", "", false, owner_};
  try {
    const auto sent_before = uploads_->bytes_uploaded();
    where.kernel = uploads_->path_on_host(spec.kernel);
    where.initrd = uploads_->path_on_host(spec.initrd);
    if (const auto sent = uploads_->bytes_uploaded() - sent_before; sent > 0)
      spdlog::info("sent {:.1f} MiB of kernel and initramfs to {} (kept there by content)", sent / 1048576.0, uri_);
  } catch (const std::exception& e) {
    return std::string("cannot send the image to ") + uri_ + ": " + e.what();
  }
  DomainHandle dom{virDomainCreateXML(conn_, domain_xml(spec, where).c_str(),
                                      VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY)};
  if (!dom.ptr) return "libvirt could not start " + spec.name + " on " + uri_ + ": " + libvirt_last_error();
  {
    std::lock_guard lock(mutex_);
    started_here_.insert(spec.name);
  }
  try {
    s.copies.push_back(
        std::make_unique<SerialStreamCopy>(conn_, dom.ptr, "serial0", spec.console_log, spec.console_max_bytes));
    s.copies.push_back(
        std::make_unique<SerialStreamCopy>(conn_, dom.ptr, "serial1", spec.agent_log, spec.agent_max_bytes));
  } catch (const std::exception& e) {
    virDomainDestroy(dom.ptr);
    return e.what();
  }
  if (virDomainResume(dom.ptr) != 0) {
    const std::string why = libvirt_last_error();
    virDomainDestroy(dom.ptr);
    return "libvirt could not resume " + spec.name + " on " + uri_ + ": " + why;
  }
  return "";
}

std::optional<HostResources> LibvirtDriver::resources() {
  virNodeInfo info{};
  if (virNodeGetInfo(conn_, &info) != 0) return std::nullopt;
  return HostResources{static_cast<int>(info.cpus), static_cast<long>(info.memory / 1024)};
}

bool LibvirtDriver::connection_alive() { return virConnectIsAlive(conn_) == 1; }

virConnectPtr LibvirtDriver::queries() {
  std::call_once(queries_opened_, [this] {
    if (local_) queries_ = virConnectOpen(uri_.c_str());
    if (!queries_) {
      virConnectRef(conn_);
      queries_ = conn_;
    }
  });
  return queries_;
}

std::optional<DomainOwner> LibvirtDriver::owner_of(const std::string& name) {
  DomainHandle dom{virDomainLookupByName(queries(), name.c_str())};
  if (!dom.ptr) return std::nullopt;
  char* xml = virDomainGetMetadata(dom.ptr, VIR_DOMAIN_METADATA_ELEMENT, std::string(kOwnerNamespace).c_str(), 0);
  if (!xml) return std::nullopt;
  auto owner = parse_owner_metadata(xml);
  free(xml);
  return owner;
}

void LibvirtDriver::reap_finished_copies() {
  std::erase_if(retired_, [](const auto& copy) { return copy->finished(); });
}

bool LibvirtDriver::is_running(const std::string& name) {
  DomainHandle dom{virDomainLookupByName(conn_, name.c_str())};
  return dom.ptr && virDomainIsActive(dom.ptr) == 1;
}

void LibvirtDriver::destroy(const std::string& name) {
  // Even the lookup waits while libvirtd tears down a guest that powered
  // itself off, so all of it happens off the caller's thread.
  std::lock_guard lock(mutex_);
  const bool own = started_here_.erase(name) > 0;
  // The thread closes the connection it destroys through; it may outlive
  // the driver (see the destructor).
  in_background(own, [conn = take_owner(name), timings = timings_, name] {
    const auto start = std::chrono::steady_clock::now();
    {
      DomainHandle dom{virDomainLookupByName(conn, name.c_str())};
      if (dom.ptr) virDomainDestroy(dom.ptr);
    }
    virConnectClose(conn);
    std::lock_guard sink_lock(timings->mutex);
    if (timings->sink)
      timings->sink->add("destroy (libvirt, off the cell's path)",
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  });
}

void LibvirtDriver::in_background(bool own_domain, std::function<void()> work) {
  for (auto it = destroyers_.begin(); it != destroyers_.end();)
    if (it->ended->load()) {
      it->thread.join();
      it = destroyers_.erase(it);
    } else {
      ++it;
    }
  auto ended = std::make_shared<std::atomic<bool>>(false);
  destroyers_.push_back({std::thread([work = std::move(work), ended] {
                           work();
                           *ended = true;
                         }),
                         ended, own_domain});
}

std::vector<std::string> LibvirtDriver::list_own_domains() {
  std::vector<std::string> names;
  virDomainPtr* domains = nullptr;
  int n = virConnectListAllDomains(queries(), &domains, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
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
  const std::uintmax_t console_read = s->console.bytes_read(), agent_read = s->agent.bytes_read();
  const bool rotated = s->console.rotated() || s->agent.rotated();
  for (auto& copy : s->copies) retired_.push_back(std::move(copy));
  streams_.erase(name);
  reap_finished_copies();
  const bool console_over = std::max(console_read, fs_size(spec.console_log)) > spec.console_max_bytes;
  const bool agent_over = std::max(agent_read, fs_size(spec.agent_log)) > spec.agent_max_bytes;
  if (!console_over && !agent_over && !rotated) return;
  // Once QEMU is gone (the destroy may still be under way): a log the log
  // daemon rotated is put back into one file, and a flooding guest's logs
  // are cut to their caps, first and last part kept.
  in_background(false, [this, spec, console_read, agent_read] {
    // The lookup waits while the destroy runs: on the local host over a
    // connection of its own, or the cells' calls on conn_ could wait too.
    virConnectPtr conn = local_ ? virConnectOpen(uri_.c_str()) : nullptr;
    if (!conn) {
      virConnectRef(conn_);
      conn = conn_;
    }
    {
      DomainHandle dom{virDomainLookupByName(conn, spec.name.c_str())};
      if (dom.ptr && virDomainIsActive(dom.ptr) == 1) virDomainDestroy(dom.ptr);
    }
    virConnectClose(conn);
    join_rotated_log(spec.console_log, console_read);
    join_rotated_log(spec.agent_log, agent_read);
    cap_log_file(spec.console_log, spec.console_max_bytes);
    cap_log_file(spec.agent_log, spec.agent_max_bytes);
  });
}

}  // namespace kmx
