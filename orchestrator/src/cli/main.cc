// kmod-matrix: boots VMs across a kernel x kmod x vCPU x RAM matrix and
// classifies every kmod test. Exit: 0 all verdicts as expected, 1 some not,
// 2 bad input or unusable host.
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>
#include <spdlog/spdlog.h>

#include "cli/host_limits.h"
#include "images/artifacts.h"
#include "images/cache_dir.h"
#include "matrix/matrix.h"
#include "os/clock.h"
#include "os/files.h"
#include "os/process_runner.h"
#include "results/matrix_report.h"
#include "results/results_json.h"
#include "run/image_source.h"
#include "run/run_matrix.h"
#include "run/stale_domains.h"
#include "run/accel_selection.h"
#include "vm/domain_name.h"
#include "vm/libvirt_driver.h"

namespace {

constexpr int kExitUnexpected = 1;
constexpr int kExitBadInput = 2;

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

std::filesystem::path default_agent() {
  if (const char* env = std::getenv("KMX_AGENT"); env && *env) return env;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (auto candidate : {self.parent_path() / "kmx-agent", self.parent_path().parent_path() / "guest-agent" / "kmx-agent"})
      if (std::filesystem::exists(candidate)) return candidate;
  }
  return KMX_AGENT_BUILD_PATH;
}

// The probe's verdict holds while the host kernel and QEMU stay the same.
std::filesystem::path accel_cache_file(const std::filesystem::path& cache_root) {
  utsname uts{};
  ::uname(&uts);
  std::string qemu_id;
  try {
    qemu_id = kmx::sha256_file("/usr/bin/qemu-system-x86_64");
  } catch (const std::exception&) {
    return {};
  }
  return cache_root / "accel" / (kmx::sha256_hex(std::string(uts.release) + uts.version + qemu_id).substr(0, 16) + ".txt");
}

struct RunArgs {
  std::string matrix;
  std::string results = "results";
  std::string cache;
  std::string connect = "qemu:///system";
  std::string accel = "auto";
  std::string agent;
  int jobs = 1;
  std::string resume;
};

constexpr const char* kMatrixCopy = "matrix.toml";

int run_command(const RunArgs& args) {
  const int pid = static_cast<int>(::getpid());
  kmx::RunSettings settings;
  std::filesystem::path matrix_file = args.matrix;
  if (!args.resume.empty()) {
    if (!args.matrix.empty()) throw std::runtime_error("give a matrix or --resume RUN_ID, not both: a resumed run uses its own matrix copy");
    settings.run_id = args.resume;
    settings.run_dir = std::filesystem::absolute(args.results) / args.resume;
    matrix_file = settings.run_dir / kMatrixCopy;
    if (!std::filesystem::exists(matrix_file))
      throw std::runtime_error("no run " + args.resume + " under " + args.results +
                               " (missing " + matrix_file.string() + ")\n  fix: pass the run id printed by the interrupted run, and the same --results");
    settings.previous = kmx::read_cell_results(settings.run_dir);
  } else if (args.matrix.empty()) {
    throw std::runtime_error("no matrix given\n  fix: kmod-matrix run matrices/smoke.toml, or --resume RUN_ID");
  } else {
    settings.run_id = kmx::new_run_id(pid);
    settings.run_dir = std::filesystem::absolute(args.results) / settings.run_id;
  }
  kmx::Matrix matrix = kmx::parse_matrix_file(matrix_file);
  const kmx::HostLimits host = kmx::HostLimits::detect();
  if (std::string problem = kmx::check_host_limits(matrix, host); !problem.empty()) {
    std::cerr << "kmod-matrix: " << problem << "\n";
    return kExitBadInput;
  }
  // Keep a tenth of the host's memory (at least 1 GiB) for the host itself.
  settings.budget = {host.cpus, host.memory_mib - std::max(1024L, host.memory_mib / 10), args.jobs};
  settings.owner_pid = pid;
  settings.stop = &g_stop;
  std::filesystem::create_directories(settings.run_dir);
  if (args.resume.empty()) kmx::write_file_atomically(settings.run_dir / kMatrixCopy, kmx::read_file(matrix_file));

  kmx::BoostProcessRunner runner;
  kmx::CacheDir cache(args.cache.empty() ? kmx::CacheDir::default_root() : std::filesystem::path(args.cache));
  std::filesystem::create_directories(cache.root());
  spdlog::info("run {}: {} cells; results go to {}", settings.run_id, kmx::expand_cells(matrix).size(),
               settings.run_dir.string());

  kmx::LibvirtDriver driver(args.connect);
  kmx::SystemClock clock;
  kmx::AccelProbeContext probe{runner, driver, clock, settings.run_dir / "accel-probe", accel_cache_file(cache.root()),
                               kmx::domain_name(pid, settings.run_id, 999, 0)};
  settings.choose_accel = [&](const kmx::Image& image) { return kmx::select_accel(args.accel, probe, image); };
  const char* data_env = std::getenv("KMX_DATA_DIR");
  kmx::BuiltImageSource images(runner, cache, args.agent.empty() ? default_agent() : std::filesystem::path(args.agent),
                               data_env && *data_env ? data_env : KMX_DATA_DIR);
  kmx::RunResult result = kmx::run_matrix(matrix, images, driver, clock, settings);

  const std::string table = kmx::render_matrix(result);
  kmx::write_file_atomically(settings.run_dir / "matrix.txt", table);
  std::cout << "\n" << table << "results: " << (settings.run_dir / "results.json").string() << "\n";
  if (g_stop) {
    std::cerr << "kmod-matrix: interrupted; finished cells are in " << settings.run_dir.string() << "\n";
    return 130;
  }
  return result.unexpected_count() == 0 ? 0 : kExitUnexpected;
}

int check_command(const std::string& path) {
  kmx::Matrix matrix = kmx::parse_matrix_file(path);
  for (const auto& cell : kmx::expand_cells(matrix)) std::cout << cell.id() << "  " << cell.tests.size() << " tests\n";
  std::string problem = kmx::check_host_limits(matrix, kmx::HostLimits::detect());
  if (!problem.empty()) {
    std::cerr << "kmod-matrix: " << problem << "\n";
    return kExitBadInput;
  }
  return 0;
}

std::string human_bytes(std::uintmax_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

int cache_command(const std::string& root, int gc_days) {
  kmx::CacheDir cache(root.empty() ? kmx::CacheDir::default_root() : std::filesystem::path(root));
  if (gc_days >= 0) {
    auto result = cache.collect_garbage(std::chrono::hours(24 * gc_days), kmx::process_alive);
    for (const auto& name : result.removed) std::cout << "removed " << name << "\n";
    std::cout << result.removed.size() << " entries, " << human_bytes(result.bytes) << " freed\n";
  }
  std::uintmax_t total = 0;
  std::cout << "cache " << cache.root().string() << "\n";
  for (const auto& kind : cache.usage()) {
    std::printf("  %-14s %5zu entries  %12s\n", kind.kind.c_str(), kind.entries, human_bytes(kind.bytes).c_str());
    total += kind.bytes;
  }
  std::cout << "  total " << human_bytes(total) << "\n";
  return 0;
}

int cleanup_command(const std::string& uri) {
  kmx::LibvirtDriver driver(uri);
  for (const auto& name : kmx::destroy_stale_domains(driver)) std::cout << "destroyed " << name << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kmod-matrix: regression tests for the Linux module loader across a VM matrix"};
  app.require_subcommand(1);
  RunArgs run_args;
  auto* run = app.add_subcommand("run", "boot every cell of a matrix and print the verdict matrix");
  run->add_option("matrix", run_args.matrix, "matrix file, e.g. matrices/smoke.toml");
  run->add_option("--resume", run_args.resume, "finish an interrupted run: only tests without a verdict run");
  run->add_option("--results", run_args.results, "directory for results/<run-id>/")->capture_default_str();
  run->add_option("--cache", run_args.cache, "cache directory (default: $KMX_CACHE or /var/cache/kmod-matrix)");
  run->add_option("--connect", run_args.connect, "libvirt URI")->capture_default_str();
  run->add_option("--accel", run_args.accel, "auto probes KVM with a real guest, else TCG")
      ->check(CLI::IsMember({"auto", "kvm", "tcg"}))
      ->capture_default_str();
  run->add_option("--agent", run_args.agent, "static guest agent binary (default: the one built with this tool)");
  run->add_option("--jobs,-j", run_args.jobs, "cells to run at once, within the host's CPUs and memory")->check(CLI::Range(1, 64))->capture_default_str();

  std::string check_path;
  auto* check = app.add_subcommand("check", "validate a matrix file and list its cells");
  check->add_option("matrix", check_path, "matrix file")->required();

  std::string cache_root;
  int gc_days = -1;
  auto* cache_cmd = app.add_subcommand("cache", "show the cache's size per kind; with --gc, remove unused entries");
  cache_cmd->add_option("--cache", cache_root, "cache directory (default: $KMX_CACHE or /var/cache/kmod-matrix)");
  cache_cmd->add_option("--gc", gc_days, "remove entries unused for this many days (0: everything not in use)")
      ->check(CLI::Range(0, 36500));

  std::string cleanup_uri = "qemu:///system";
  auto* cleanup = app.add_subcommand("cleanup", "destroy domains left by kmod-matrix runs that no longer exist");
  cleanup->add_option("--connect", cleanup_uri, "libvirt URI")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  spdlog::set_pattern("%H:%M:%S.%e %^%l%$ %v");
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  try {
    if (*run) return run_command(run_args);
    if (*check) return check_command(check_path);
    if (*cleanup) return cleanup_command(cleanup_uri);
    if (*cache_cmd) return cache_command(cache_root, gc_days);
  } catch (const kmx::MatrixError& e) {
    std::cerr << "kmod-matrix: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const kmx::UnknownInputError& e) {
    std::cerr << "kmod-matrix: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "kmod-matrix: " << e.what() << "\n";
    return kExitBadInput;
  }
  return 0;
}
