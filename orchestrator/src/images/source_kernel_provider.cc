#include "images/source_kernel_provider.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "images/tree_identity.h"
#include "matrix/source_table.h"
#include "os/clock.h"
#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

constexpr auto kBuildTimeout = std::chrono::hours(3);

// Counts kbuild's "  CC  file" lines: objects compiled so far.
std::size_t compiled_objects(const fs::path& log) {
  std::ifstream in(log);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("  CC ")) ++n;
  return n;
}

}  // namespace

std::vector<std::string> SourceKernelProvider::options_not_applied(const std::string& build_log) {
  static const std::string kPrefix = "build-kernel: ";
  static const std::string kSuffix = " not applied (unknown to this kernel?)";
  std::vector<std::string> options;
  std::istringstream in(build_log);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(kPrefix) && line.ends_with(kSuffix))
      options.push_back(line.substr(kPrefix.size(), line.size() - kPrefix.size() - kSuffix.size()));
  return options;
}

std::vector<fs::path> SourceKernelProvider::fragments_of(const SourceKernelSpec& spec) const {
  std::vector<fs::path> fragments = spec.config;
  if (fragments.empty()) fragments.push_back(data_dir_ / "config/module-debug.config");
  return fragments;
}

std::string SourceKernelProvider::resolve(const SourceKernelSpec& spec) {
  if (!fs::exists(spec.path / "Makefile") || !fs::exists(spec.path / "kernel"))
    throw UnknownInputError(spec.location + ": kernel '" + spec.name + "': " + spec.path.string() +
                            " is not a kernel source tree\n  fix: point path at a tree with Makefile and kernel/");
  const std::vector<fs::path> fragments = fragments_of(spec);
  for (const auto& f : fragments)
    if (!fs::exists(f))
      throw UnknownInputError(spec.location + ": config fragment " + f.string() +
                              " does not exist\n  fix: correct `config`, relative to the matrix file");
  return "source tree " + spec.path.string() + " with " + std::to_string(fragments.size()) + " config fragment(s)";
}

void SourceKernelProvider::build(const SourceKernelSpec& spec, const std::vector<fs::path>& fragments,
                                 const fs::path& out, const fs::path& log) {
  std::vector<std::string> argv = {(data_dir_ / "build-kernel.sh").string(), spec.path.string(), out.string()};
  for (const auto& f : fragments) argv.push_back(f.string());
  SystemClock clock;
  auto last = clock.now();
  ProcessOptions options{.timeout = kBuildTimeout, .output_file = log};
  options.on_poll = [&](const fs::path& output) {
    if (seconds_between(last, clock.now()) < 30) return;
    last = clock.now();
    spdlog::info("kernel '{}': {} objects compiled", spec.name, compiled_objects(output));
  };
  ProcessResult r = runner_.run(argv, options);
  if (!r.ok())
    throw ImageError("building kernel '" + spec.name + "' failed: " + r.describe(argv) + "\n  log: " + log.string());
  for (const auto& option : options_not_applied(fs::exists(log) ? read_file(log) : std::string()))
    spdlog::warn("kernel '{}': {} from the config fragments was not applied (this kernel does not have it)", spec.name,
                 option);
  // Builds use relative paths below the O= dir; keep a link to the tree for kmod.sh.
  if (!fs::exists(out / "source")) fs::create_symlink(spec.path, out / "source");
}

KernelArtifacts SourceKernelProvider::prepare(const SourceKernelSpec& spec) {
  resolve(spec);
  const std::vector<fs::path> fragments = fragments_of(spec);
  if (!spec.build_dir.empty()) {
    // One build at a time in a persistent O= directory; make decides what changed.
    fs::create_directories(spec.build_dir);
    FileLock lock(spec.build_dir.string() + ".lock");
    const fs::path log = spec.build_dir.parent_path() / (spec.build_dir.filename().string() + ".log");
    spdlog::info("building kernel '{}' from {} in {} (incremental, ccache); log: {}", spec.name, spec.path.string(),
                 spec.build_dir.string(), log.string());
    build(spec, fragments, spec.build_dir, log);
    return build_dirs_.prepare(BuildDirKernelSpec{spec.name, spec.location, spec.build_dir});
  }
  std::string identity = "source-kernel-v1\n" + tree_identity(runner_, spec.path);
  for (const auto& f : fragments) identity += f.filename().string() + sha256_file(f);
  const std::string key = cache_key_name(spec.name, identity);
  const fs::path entry = cache_.ensure("kernel-builds", key, [&](const fs::path& tmp) {
    const fs::path log = tmp / "build.log";
    spdlog::info(
        "building kernel '{}' from {} (defconfig + kvm_guest.config + {} fragment(s), ccache); "
        "about 15 min on 2 cores; log: {}",
        spec.name, spec.path.string(), fragments.size(), log.string());
    build(spec, fragments, tmp / "build", log);
  });
  return build_dirs_.prepare(BuildDirKernelSpec{spec.name, spec.location, entry / "build"});
}

namespace {

SourceKernelSpec read_source_kernel(SourceTable& table) {
  SourceKernelSpec k{table.name(), table.location()};
  k.path = table.required_path("path", "\"/home/me/linux/build\"");
  k.config =
      table.paths("config", "config entries must be paths", "write config = [\"images/config/module-debug.config\"]")
          .value_or(std::vector<fs::path>{});
  return k;
}

}  // namespace

KernelSource SourceKernelProvider::source() {
  return {{"source", "\"source\" (path = a source tree)", reader_of(read_source_kernel)},
          [](const ProviderContext& ctx) {
            return std::make_unique<SourceKernelProvider>(ctx.runner, ctx.cache, ctx.data_dir);
          }};
}

}  // namespace kmx
