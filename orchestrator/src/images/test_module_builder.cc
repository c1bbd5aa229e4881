#include "images/test_module_builder.h"

#include <spdlog/spdlog.h>
#include <thread>

#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;

fs::path build_test_modules(ProcessRunner& runner, CacheDir& cache, const KernelArtifacts& kernel) {
  const fs::path lib = kernel.sources / "lib";
  const std::string sources_hash = sha256_file(lib / "test_kmod.c") + sha256_file(lib / "test_module.c");
  const std::string key = cache_key_name(kernel.release, kernel.id + sources_hash);
  return cache.ensure("test-modules", key, [&](const fs::path& out) {
    spdlog::info("building test_kmod.ko and test_module.ko for {}", kernel.release);
    const fs::path work = out / "build";
    fs::create_directories(work);
    fs::copy_file(lib / "test_kmod.c", work / "test_kmod.c");
    fs::copy_file(lib / "test_module.c", work / "test_module.c");
    write_file_atomically(work / "Kbuild", "obj-m := test_kmod.o test_module.o\n");
    const unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::string> argv = {"make", "-C", kernel.build_dir.string(), "M=" + work.string(),
                                     "-j" + std::to_string(jobs), "modules"};
    ProcessResult r = runner.run(argv, {.timeout = std::chrono::seconds(900)});
    if (!r.ok())
      throw ImageError("building the test modules for " + kernel.release + " failed: " + r.describe(argv) +
                       "\n  fix: the host compiler must match the kernel's (Debian 6.1 uses gcc-12)");
    for (const char* ko : {"test_kmod.ko", "test_module.ko"}) fs::copy_file(work / ko, out / ko);
    fs::remove_all(work);
  });
}

}  // namespace kmx
