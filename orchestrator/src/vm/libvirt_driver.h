// VmDriver over the libvirt C API: transient domains whose metadata names
// their owner. On the local host the serial ports write files directly; a
// remote host (a URI naming a host) shares no file with this one, so the
// kernel and initramfs travel as storage volumes and the ports come back
// over libvirt streams into the same local files.
#pragma once

#include <libvirt/libvirt.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "os/phase_timings.h"
#include "vm/domain_owner.h"
#include "vm/file_tail.h"
#include "vm/serial_stream_copy.h"
#include "vm/spare_domains.h"
#include "vm/vm_driver.h"
#include "vm/volume_uploader.h"

namespace kmx {

// "qemu:///system", "qemu+unix:///system": this machine's files are the
// host's. Anything naming a host, even 127.0.0.1, is remote.
bool uri_is_local(const std::string& uri);

class LibvirtDriver : public VmDriver {
 public:
  // Throws std::runtime_error with a fix when the daemon does not answer.
  // timings (optional) gets each domain start and destroy.
  explicit LibvirtDriver(const std::string& uri, PhaseTimings* timings = nullptr);
  ~LibvirtDriver() override;

  std::string start(const VmSpec& spec) override;
  // On the local host: makes the domain paused now (SpareDomains). A remote
  // host's domain is made at its start, after its image's upload.
  void prepare(const VmSpec& spec) override;
  bool is_running(const std::string& name) override;
  void destroy(const std::string& name) override;
  std::vector<std::string> list_own_domains() override;
  std::optional<DomainOwner> owner_of(const std::string& name) override;
  bool send_sysrq(const std::string& name, char key) override;
  std::string read_console(const std::string& name) override;
  std::string read_agent(const std::string& name) override;
  void forget(const std::string& name) override;
  bool connection_alive() override;
  bool shares_files() const override { return local_; }
  std::optional<HostResources> resources() override;

 private:
  struct Streams {
    FileTail console;
    FileTail agent;
    VmSpec spec;  // log paths and caps
    // A remote host's ports, copied into the log files.
    std::vector<std::unique_ptr<SerialStreamCopy>> copies;
  };
  Streams* streams(const std::string& name);
  std::string start_remote(const VmSpec& spec, Streams& streams);
  // A spare's making and its end when never started (SpareDomains).
  std::string make_paused(const VmSpec& spec);
  // Makes a local domain on a connection of its own (see owners_); "" or why not.
  std::string make_local(const VmSpec& spec, unsigned int flags);
  // The connection a destroy of `name` goes through, the caller's to close:
  // the domain's own one, else a new reference to conn_.
  virConnectPtr take_owner(const std::string& name);
  void discard_spare(const VmSpec& spec);
  void reap_finished_copies();
  // Runs `work` on a thread of its own; joins the ones that have ended.
  // own_domain: it destroys a domain started here, which the destructor
  // need not wait for.
  void in_background(bool own_domain, std::function<void()> work);

  std::string uri_;
  bool local_ = true;
  DomainOwner owner_;
  // Lookups, resumes, liveness, keys: short calls on the cells' path. On the
  // local host it makes no domain.
  virConnectPtr conn_ = nullptr;
  // Listing domains and reading their owners waits while libvirtd ends any
  // of them (1-2 s here): on the local host over a connection of its own,
  // opened at the first such call (see owners_ for why).
  virConnectPtr queries();
  std::once_flag queries_opened_;
  virConnectPtr queries_ = nullptr;
  std::unique_ptr<VolumeUploader> uploads_;
  std::mutex mutex_;
  // Shared with destroy threads, which may outlive the driver.
  struct TimingsSink {
    std::mutex mutex;
    PhaseTimings* sink = nullptr;  // null once the driver is gone
  };
  std::shared_ptr<TimingsSink> timings_;
  // libvirt's destroy takes ~1.2 s here; results never wait for it, and the
  // process's exit does not either (see the destructor).
  struct Destroyer {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> ended;
    bool own_domain = false;
  };
  std::vector<Destroyer> destroyers_;
  // Domains started by this driver, all with VIR_DOMAIN_START_AUTODESTROY:
  // libvirtd ends them when the connection closes, however the process ends.
  std::set<std::string> started_here_;
  // On the local host each domain is made on a connection of its own, which
  // its destroy goes through and which is closed once it is gone. Sharing
  // one connection, a resume waited for another cell's destroy: libvirt
  // 9.0's client can lose the wake-up of a call queued while another
  // thread's call there is about to wait (g_main_loop_quit() before
  // g_main_loop_run()), and a destroy takes 1-2 s on a busy host. Destroying
  // through a connection other than the domain's own made the next process's
  // connect wait 1.3-1.9 s instead: when the owning connection closes first,
  // libvirtd's main loop runs its autodestroy and waits for the destroy in
  // flight; a connection with a call in flight is closed after that call.
  std::map<std::string, virConnectPtr> owners_;
  std::map<std::string, Streams> streams_;
  // Copies of forgotten domains, until their stream ends.
  std::vector<std::unique_ptr<SerialStreamCopy>> retired_;
  // The directories a spare's logs needed, made for it: removed with it when
  // it is never started.
  std::map<std::string, std::vector<std::filesystem::path>> spare_dirs_;
  // Local host only; ended first in the destructor, while the rest still works.
  std::unique_ptr<SpareDomains> spares_;
};

}  // namespace kmx
