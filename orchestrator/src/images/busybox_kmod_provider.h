// busybox's own modutils (depmod, modprobe, insmod, rmmod, lsmod, modinfo),
// as a second implementation of module loading.
#pragma once

#include "images/source_registry.h"

namespace kmx {

// What [[kmod]] source = "busybox" declares.
struct BusyboxKmodSpec {
  std::string name;
  std::string location;
};

class BusyboxModutilsProvider : public KmodProviderOf<BusyboxKmodSpec> {
 public:
  explicit BusyboxModutilsProvider(std::filesystem::path busybox = "/bin/busybox") : busybox_(std::move(busybox)) {}
  std::string resolve(const BusyboxKmodSpec& spec) override;
  KmodArtifacts prepare(const BusyboxKmodSpec& spec) override;
  // "busybox": its reader and factory, for the registry.
  static KmodSource source();

 private:
  std::filesystem::path busybox_;
};

}  // namespace kmx
