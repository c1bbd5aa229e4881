#include "images/host_kmod_provider.h"

#include "images/kmod_build.h"
#include "os/files.h"

namespace kmx {

KmodArtifacts BusyboxModutilsProvider::prepare(const KmodSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(busybox_, ec))
    throw ImageError("kmod '" + spec.name + "': " + busybox_.string() + " does not exist\n  fix: apt-get install busybox-static");
  KmodArtifacts k{"busybox-" + sha256_file(busybox_).substr(0, 16), busybox_, {}, true};
  return k;
}

KmodArtifacts HostKmodProvider::prepare(const KmodSpec& spec) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(binary_, ec))
    throw ImageError("kmod '" + spec.name + "': " + binary_.string() +
                     " does not exist\n  fix: apt-get install kmod, or declare another kmod source");
  KmodArtifacts k{"host-" + sha256_file(binary_).substr(0, 16), binary_};
  k.build_origin = "the host's " + binary_.string();
  for (const char* lib : {"/lib/x86_64-linux-gnu/libkmod.so.2", "/usr/lib/x86_64-linux-gnu/libkmod.so.2"})
    if (k.config_dirs.empty() && std::filesystem::exists(lib)) k.config_dirs = kmod_config_dirs(binary_, lib);
  return k;
}

}  // namespace kmx
