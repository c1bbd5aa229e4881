#include "images/builtin_sources.h"

#include "images/build_dir_kernel_provider.h"
#include "images/busybox_kmod_provider.h"
#include "images/debian_kernel_provider.h"
#include "images/debian_source_kmod_provider.h"
#include "images/git_kernel_provider.h"
#include "images/git_kmod_provider.h"
#include "images/host_kmod_provider.h"
#include "images/source_kernel_provider.h"
#include "images/source_kmod_provider.h"

namespace kmx {

void register_builtin_sources(SourceRegistry& registry) {
  registry.add(DebianKernelProvider::source());
  registry.add(BuildDirKernelProvider::source());
  registry.add(SourceKernelProvider::source());
  registry.add(GitKernelProvider::source());
  registry.add(HostKmodProvider::source());
  registry.add(DebianSourceKmodProvider::source());
  registry.add(SourceKmodProvider::source());
  registry.add(BusyboxModutilsProvider::source());
  registry.add(GitKmodProvider::source());
}

const SourceRegistry& builtin_sources() {
  static const SourceRegistry registry = [] {
    SourceRegistry r;
    register_builtin_sources(r);
    return r;
  }();
  return registry;
}

}  // namespace kmx
