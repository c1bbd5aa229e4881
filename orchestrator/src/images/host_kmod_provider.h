// The kmod the host has installed: /usr/bin/kmod (Debian's, with xz and zstd).
#pragma once

#include "images/kernel_provider.h"

namespace kmx {

// busybox's own modutils (depmod, modprobe, insmod, rmmod, lsmod, modinfo),
// as a second implementation of module loading.
class BusyboxModutilsProvider : public KmodProvider {
 public:
  explicit BusyboxModutilsProvider(std::filesystem::path busybox = "/bin/busybox") : busybox_(std::move(busybox)) {}
  KmodArtifacts prepare(const KmodSpec& spec) override;

 private:
  std::filesystem::path busybox_;
};

class HostKmodProvider : public KmodProvider {
 public:
  explicit HostKmodProvider(std::filesystem::path kmod_binary = "/usr/bin/kmod") : binary_(std::move(kmod_binary)) {}
  KmodArtifacts prepare(const KmodSpec& spec) override;

 private:
  std::filesystem::path binary_;
};

}  // namespace kmx
