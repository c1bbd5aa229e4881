// What every command shares, built once per process: the process runner,
// clock, registered sources, installation, cache, VM driver, image source,
// output writers and the stop flag. A part is made on first use, so a
// command never builds what it does not need (check opens no libvirt
// connection, cleanup creates no cache).
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/installation.h"
#include "images/cache_dir.h"
#include "images/source_registry.h"
#include "matrix/host_list.h"
#include "os/clock.h"
#include "os/phase_timings.h"
#include "os/process_runner.h"
#include "reports/report_writer.h"
#include "run/image_source.h"
#include "store/run_writer.h"
#include "vm/vm_driver.h"

namespace kmx {

// Options several commands take; each command binds the ones it offers.
struct ContextOptions {
  std::string cache;  // empty: $KMX_CACHE or /var/cache/kmod-matrix
  // libvirt hosts: every --connect URI, then a hosts file's; neither: the local qemu:///system.
  std::vector<std::string> connect;
  std::string hosts_file;
  std::string agent;  // empty: the installed one
};

class Context {
 public:
  // `stop` is set by SIGINT/SIGTERM, and by a run whose results cannot be written.
  Context(ContextOptions options, std::atomic<bool>& stop);
  ~Context();

  const ContextOptions& options() const { return options_; }
  std::atomic<bool>& stop() const { return stop_; }
  ProcessRunner& runner() { return *runner_; }
  Clock& clock() { return *clock_; }
  const SourceRegistry& sources() const { return sources_; }
  const Installation& installation() const { return installation_; }

  CacheDir& cache();
  // The hosts the options name, read and checked on first use (throws
  // MatrixError for a bad URI or hosts file).
  const std::vector<HostEntry>& hosts();
  VmDriver& driver(std::size_t host = 0);  // hosts()[host]; connects on first use
  ImageSource& images();                   // providers from sources(), built on first use
  // Where this process's time went (run --timings); starts with exec to main.
  PhaseTimings& timings() { return timings_; }
  // Waits for every host's pending destroys and closes the connections;
  // done by the destructor when not called.
  void close_hosts();
  // The files of a run directory: results.json, matrix.txt; with a
  // results_root, <results_root>/history.db as the run goes; and each
  // requested report when the run ends.
  std::vector<RunWriter*> writers_for(const std::filesystem::path& run_dir,
                                      const std::filesystem::path& results_root = {},
                                      const std::vector<ReportRequest>& reports = {},
                                      const std::string& log_base_url = "");

 private:
  ContextOptions options_;
  std::atomic<bool>& stop_;
  std::unique_ptr<ProcessRunner> runner_;
  std::unique_ptr<Clock> clock_;
  SourceRegistry sources_;
  Installation installation_;
  std::unique_ptr<CacheDir> cache_;
  std::optional<std::vector<HostEntry>> hosts_;
  std::vector<std::unique_ptr<VmDriver>> drivers_;
  std::unique_ptr<ImageSource> images_;
  std::vector<std::unique_ptr<RunWriter>> writers_;
  PhaseTimings timings_;
};

}  // namespace kmx
