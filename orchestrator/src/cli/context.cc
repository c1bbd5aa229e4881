#include "cli/context.h"

#include "images/builtin_sources.h"
#include "reports/matrix_text_writer.h"
#include "store/history_writer.h"
#include "store/results_json_writer.h"
#include "store/run_lookup.h"
#include "vm/libvirt_driver.h"

namespace kmx {

Context::Context(ContextOptions options, std::atomic<bool>& stop)
    : options_(std::move(options)),
      stop_(stop),
      runner_(std::make_unique<BoostProcessRunner>()),
      clock_(std::make_unique<SystemClock>()),
      installation_(Installation::locate()) {
  register_builtin_sources(sources_);
  if (!options_.agent.empty()) installation_.agent = options_.agent;
  if (const auto age = seconds_since_process_start()) timings_.add("process start (exec to main)", *age);
}

void Context::close_hosts() {
  PhaseSpan span(&timings_, "exit: pending destroys, connections closed");
  drivers_.clear();
}

Context::~Context() = default;

CacheDir& Context::cache() {
  if (!cache_)
    cache_ = std::make_unique<CacheDir>(options_.cache.empty() ? CacheDir::default_root()
                                                               : std::filesystem::path(options_.cache));
  return *cache_;
}

const std::vector<HostEntry>& Context::hosts() {
  if (!hosts_) {
    std::vector<HostEntry> from_file;
    if (!options_.hosts_file.empty()) from_file = read_hosts_file(options_.hosts_file);
    std::vector<HostEntry> list = host_list(options_.connect, from_file);
    if (list.empty()) list.push_back({"qemu:///system"});
    hosts_ = std::move(list);
  }
  return *hosts_;
}

VmDriver& Context::driver(std::size_t host) {
  const auto& list = hosts();
  if (drivers_.size() < list.size()) drivers_.resize(list.size());
  if (!drivers_.at(host)) {
    PhaseSpan span(&timings_, "libvirt connect");
    drivers_[host] = std::make_unique<LibvirtDriver>(list[host].uri, &timings_);
  }
  return *drivers_[host];
}

ImageSource& Context::images() {
  if (!images_)
    images_ = std::make_unique<BuiltImageSource>(sources_, ProviderContext{runner(), cache(), installation_.data_dir},
                                                 installation_.agent);
  return *images_;
}

std::vector<RunWriter*> Context::writers_for(const std::filesystem::path& run_dir,
                                             const std::filesystem::path& results_root,
                                             const std::vector<ReportRequest>& reports,
                                             const std::string& log_base_url) {
  writers_.clear();
  writers_.push_back(std::make_unique<ResultsJsonWriter>(run_dir));
  writers_.push_back(std::make_unique<MatrixTextWriter>(run_dir));
  // History before reports: the HTML report looks up the previous run there.
  if (!results_root.empty()) writers_.push_back(std::make_unique<HistoryWriter>(history_db_path(results_root)));
  for (const auto& report : reports)
    writers_.push_back(std::make_unique<ReportWriter>(report, run_dir, results_root, log_base_url));
  std::vector<RunWriter*> out;
  for (const auto& w : writers_) out.push_back(w.get());
  return out;
}

}  // namespace kmx
