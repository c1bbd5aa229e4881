#include "images/test_module_builder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "images/module_abi.h"
#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

constexpr const char* kNoImportSource = "kmx_ns_noimport.c";

std::vector<fs::path> sorted_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

void make_modules(ProcessRunner& runner, const KernelArtifacts& kernel, const fs::path& dir, const std::string& extra) {
  // Test modules need no BTF; 6.12 would otherwise want pahole on the host.
  std::vector<std::string> argv = {"make",
                                   "-C",
                                   kernel.build_dir.string(),
                                   "M=" + dir.string(),
                                   parallel_jobs_flag(),
                                   "CONFIG_DEBUG_INFO_BTF_MODULES="};
  if (!extra.empty()) argv.push_back(extra);
  argv.push_back("modules");
  ProcessResult r = runner.run(argv, {.timeout = std::chrono::seconds(900)});
  if (!r.ok())
    throw ImageError("building test modules for " + kernel.release + " failed: " + r.describe(argv) +
                     "\n  fix: the host compiler must be the one the kernel was built with (Debian 6.1: gcc-12)");
}

// Module.symvers with the namespace column (5th) emptied: what a stale or
// hand-made symvers looks like. modpost then cannot know the symbol is
// namespaced and builds an importer that forgot MODULE_IMPORT_NS.
std::string strip_namespaces(const std::string& symvers) {
  std::istringstream in(symvers);
  std::ostringstream out;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cols;
    std::istringstream fields(line);
    for (std::string col; std::getline(fields, col, '\t');) cols.push_back(col);
    if (cols.size() >= 5) cols[4].clear();
    for (size_t i = 0; i < cols.size(); ++i) out << (i ? "\t" : "") << cols[i];
    out << '\n';
  }
  return out.str();
}

// A module the kernel would refuse (other vermagic, other struct module) is
// a broken build tree, not a finding: stop before any test runs.
void check_against_shipped_modules(ProcessRunner& runner, const KernelArtifacts& kernel, const fs::path& built,
                                   const fs::path& scratch) {
  const fs::path shipped = first_shipped_module(kernel.modules_root / "lib/modules" / kernel.release);
  if (shipped.empty()) {
    spdlog::warn("{} ships no modules to compare test modules with; module ABI not checked", kernel.release);
    return;
  }
  const ModuleAbi built_abi = read_module_abi(runner, built, scratch);
  const ModuleAbi shipped_abi = read_module_abi(runner, shipped, scratch);
  require_same_module_abi(built_abi, shipped_abi, kernel.release, shipped);
  spdlog::info("test modules match {} (vermagic '{}', struct module {} bytes)", shipped.filename().string(),
               built_abi.vermagic, built_abi.struct_module_size);
}

}  // namespace

fs::path build_test_modules(ProcessRunner& runner, CacheDir& cache, const KernelArtifacts& kernel,
                            const fs::path& our_modules) {
  const fs::path lib = kernel.sources / "lib";
  std::string sources_hash = sha256_file(lib / "test_kmod.c") + sha256_file(lib / "test_module.c");
  for (const auto& f : sorted_files(our_modules)) sources_hash += f.filename().string() + sha256_file(f);
  const std::string key = cache_key_name(kernel.release, kernel.id + sources_hash);
  return cache.ensure("test-modules", key, [&](const fs::path& out) {
    spdlog::info("building test_kmod, test_module and kmod-matrix's modules for {}", kernel.release);
    // Pass 1: the kernel's test modules and ours.
    const fs::path main = out / "build";
    fs::create_directories(main);
    fs::copy_file(lib / "test_kmod.c", main / "test_kmod.c");
    fs::copy_file(lib / "test_module.c", main / "test_module.c");
    for (const auto& f : sorted_files(our_modules))
      if (f.filename() != kNoImportSource) fs::copy_file(f, main / f.filename());
    write_file_atomically(main / "Kbuild", read_file(our_modules / "Kbuild") + "obj-m += test_kmod.o test_module.o\n");
    make_modules(runner, kernel, main, "");
    check_against_shipped_modules(runner, kernel, main / "test_module.ko", out);
    // Pass 2: the namespace violator, against the namespace-less symvers.
    const fs::path noimport = out / "build-noimport";
    fs::create_directories(noimport);
    fs::copy_file(our_modules / kNoImportSource, noimport / kNoImportSource);
    fs::copy_file(our_modules / "kmx_compat.h", noimport / "kmx_compat.h");
    write_file_atomically(noimport / "Kbuild", "obj-m := kmx_ns_noimport.o\nccflags-y := -I$(src)\n");
    write_file_atomically(noimport / "exporter.symvers", strip_namespaces(read_file(main / "Module.symvers")));
    make_modules(runner, kernel, noimport, "KBUILD_EXTRA_SYMBOLS=" + (noimport / "exporter.symvers").string());
    for (const auto& dir : {main, noimport})
      for (const auto& f : sorted_files(dir))
        if (f.extension() == ".ko") fs::copy_file(f, out / f.filename());
    fs::remove_all(main);
    fs::remove_all(noimport);
  });
}

}  // namespace kmx
