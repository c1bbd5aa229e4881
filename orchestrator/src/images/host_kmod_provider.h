// The kmod the host has installed: /usr/bin/kmod (Debian's, with xz and zstd).
#pragma once

#include "images/source_registry.h"

namespace kmx {

// What [[kmod]] source = "host" declares.
struct HostKmodSpec {
  std::string name;
  std::string location;
};

class HostKmodProvider : public KmodProviderOf<HostKmodSpec> {
 public:
  explicit HostKmodProvider(std::filesystem::path kmod_binary = "/usr/bin/kmod") : binary_(std::move(kmod_binary)) {}
  std::string resolve(const HostKmodSpec& spec) override;
  KmodArtifacts prepare(const HostKmodSpec& spec) override;
  // "host": its reader and factory, for the registry.
  static KmodSource source();

 private:
  std::filesystem::path binary_;
};

}  // namespace kmx
