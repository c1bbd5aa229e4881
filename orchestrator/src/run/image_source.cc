#include "run/image_source.h"

#include "images/build_dir_kernel_provider.h"
#include "images/debian_kernel_provider.h"
#include "images/source_kernel_provider.h"
#include "images/source_kmod_provider.h"
#include "images/debian_source_kmod_provider.h"
#include "images/host_kmod_provider.h"
#include "images/test_module_builder.h"

namespace kmx {

BuiltImageSource::BuiltImageSource(ProcessRunner& runner, CacheDir& cache, std::filesystem::path agent_binary,
                                   std::filesystem::path data_dir)
    : runner_(runner),
      cache_(cache),
      agent_(std::move(agent_binary)),
      data_dir_(std::move(data_dir)),
      debian_kernels_(std::make_unique<DebianKernelProvider>(runner, cache)),
      build_dir_kernels_(std::make_unique<BuildDirKernelProvider>(runner, cache)),
      source_kernels_(std::make_unique<SourceKernelProvider>(runner, cache, data_dir_)),
      host_kmod_(std::make_unique<HostKmodProvider>()),
      debian_source_kmod_(std::make_unique<DebianSourceKmodProvider>(runner, cache)),
      tree_kmod_(std::make_unique<SourceKmodProvider>(runner, cache)),
      busybox_kmod_(std::make_unique<BusyboxModutilsProvider>()) {}

Image BuiltImageSource::image_for(const Cell& cell) {
  std::lock_guard lock(mutex_);
  const std::string key = cell.kernel.name + "\n" + cell.kmod.name;
  if (auto it = images_.find(key); it != images_.end()) return it->second;
  if (auto it = failures_.find(key); it != failures_.end()) throw ImageError(it->second);
  try {
    Image image = build(cell);
    images_[key] = image;
    return image;
  } catch (const UnknownInputError&) {
    throw;
  } catch (const ImageError& e) {
    failures_[key] = e.what();
    throw;
  }
}

Image BuiltImageSource::build(const Cell& cell) {
  if (!std::filesystem::exists(agent_))
    throw ImageError("guest agent binary " + agent_.string() + " does not exist\n  fix: build it (cmake --build build) or pass --agent");
  auto k = kernels_.find(cell.kernel.name);
  if (k == kernels_.end()) {
    KernelProvider& provider = cell.kernel.source == "build-dir" ? *build_dir_kernels_
                               : cell.kernel.source == "source"  ? *source_kernels_
                                                                 : *debian_kernels_;
    k = kernels_.emplace(cell.kernel.name, provider.prepare(cell.kernel)).first;
  }
  ImageInputs inputs;
  inputs.kernel = k->second;
  KmodProvider& kmod = cell.kmod.source == "debian-source" ? *debian_source_kmod_
                       : cell.kmod.source == "source"      ? *tree_kmod_
                       : cell.kmod.source == "busybox"     ? *busybox_kmod_
                                                           : *host_kmod_;
  inputs.kmod = kmod.prepare(cell.kmod);
  inputs.test_modules = build_test_modules(runner_, cache_, inputs.kernel, data_dir_ / "modules");
  inputs.suites = data_dir_ / "suites";
  inputs.agent = agent_;
  return ImageBuilder(runner_, cache_).build(inputs);
}

}  // namespace kmx
