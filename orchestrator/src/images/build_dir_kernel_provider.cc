#include "images/build_dir_kernel_provider.h"

#include <spdlog/spdlog.h>

#include "matrix/source_table.h"
#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

constexpr const char* kLayoutVersion = "build-dir-kernel-v1";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

fs::path BuildDirKernelProvider::source_tree(const fs::path& build) {
  std::error_code ec;
  if (fs::is_symlink(build / "source", ec)) return fs::canonical(build / "source", ec);
  return build;
}

std::string BuildDirKernelProvider::resolve(const BuildDirKernelSpec& spec) {
  const fs::path build = spec.path;
  for (const fs::path& needed : {build / ".config", build / "arch/x86/boot/bzImage", build / "Module.symvers",
                                 build / "include/config/kernel.release"})
    if (!fs::exists(needed))
      throw UnknownInputError(spec.location + ": kernel '" + spec.name + "': " + needed.string() +
                              " does not exist\n  fix: point path at a finished build (make O=DIR bzImage modules)");
  return "build " + build.string() + ", release " + trimmed(read_file(build / "include/config/kernel.release"));
}

KernelArtifacts BuildDirKernelProvider::prepare(const BuildDirKernelSpec& spec) {
  resolve(spec);
  const fs::path build = spec.path;
  const fs::path bzimage = build / "arch/x86/boot/bzImage";
  const std::string release = trimmed(read_file(build / "include/config/kernel.release"));
  const fs::path src = source_tree(build);
  const std::string identity = std::string(kLayoutVersion) + build.string() + sha256_file(bzimage) +
                               sha256_file(build / ".config") + sha256_file(build / "Module.symvers");
  const std::string key = cache_key_name("build-" + release, identity);
  const fs::path entry = cache_.ensure("kernels", key, [&](const fs::path& tmp) {
    spdlog::info("installing the modules of {} ({})", release, build.string());
    const fs::path root = tmp / "root";
    std::vector<std::string> argv = {"make",
                                     "-C",
                                     src.string(),
                                     "O=" + build.string(),
                                     "-s",
                                     "INSTALL_MOD_PATH=" + root.string(),
                                     "DEPMOD=/bin/true",
                                     "modules_install"};
    if (src == build) argv.erase(argv.begin() + 3);
    ProcessResult r = runner_.run(argv, {.timeout = std::chrono::seconds(900)});
    if (!r.ok()) throw ImageError("modules_install of " + build.string() + " failed: " + r.describe(argv));
    fs::create_directories(root / "boot");
    fs::copy_file(bzimage, root / "boot" / ("vmlinuz-" + release));
    argv = {"depmod", "-b", root.string(), release};
    r = runner_.run(argv, {.timeout = std::chrono::seconds(300)});
    if (!r.ok()) throw ImageError("depmod over " + release + " failed: " + r.describe(argv));
    write_file_atomically(tmp / "release", release);
  });
  KernelArtifacts k;
  k.id = key;
  k.release = release;
  k.modules_root = entry / "root";
  k.vmlinuz = k.modules_root / "boot" / ("vmlinuz-" + release);
  k.build_dir = build;
  k.sources = src;
  k.build_dir_origin = "the kernel's own build directory";
  return k;
}

namespace {

BuildDirKernelSpec read_build_dir_kernel(SourceTable& table) {
  BuildDirKernelSpec k{table.name(), table.location()};
  k.path = table.required_path("path", "\"/home/me/linux/build\"");
  if (table.paths("config", "config entries must be paths", "write config = [\"images/config/module-debug.config\"]"))
    table.fail_at("config", "config fragments apply to source = \"source\" only", "remove config");
  return k;
}

}  // namespace

KernelSource BuildDirKernelProvider::source() {
  return {{"build-dir", "\"build-dir\" (path = an O= build)", reader_of(read_build_dir_kernel)},
          [](const ProviderContext& ctx) { return std::make_unique<BuildDirKernelProvider>(ctx.runner, ctx.cache); }};
}

}  // namespace kmx
