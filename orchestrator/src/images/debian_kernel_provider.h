// Debian kernel packages: downloaded with apt-get download (never installed
// into the host), unpacked into the cache with their headers and the few
// files of linux-source the tests need.
#pragma once

#include "images/cache_dir.h"
#include "images/source_registry.h"
#include "os/process_runner.h"

namespace kmx {

// What [[kernel]] source = "debian" declares.
struct DebianKernelSpec {
  std::string name;
  std::string location;
  std::string package;  // linux-image-<abi>-<flavour>
};

class DebianKernelProvider : public KernelProviderOf<DebianKernelSpec> {
 public:
  DebianKernelProvider(ProcessRunner& runner, CacheDir& cache) : runner_(runner), cache_(cache) {}
  KernelArtifacts prepare(const DebianKernelSpec& spec) override;
  // "debian": its reader and factory, for the registry.
  static KernelSource source();

  // "linux-image-6.1.0-56-amd64[-unsigned]" -> "6.1.0-56-amd64"
  static std::string kernel_abi(const std::string& image_package);
  // "linux-image-6.1.0-56-amd64[-unsigned]" -> "linux-headers-6.1.0-56-amd64"
  static std::string headers_package(const std::string& image_package);
  // Package names from a Depends field, versions and alternatives dropped.
  static std::vector<std::string> depends_names(const std::string& depends_field);
  // The packages of the same kernel build a Depends field names: the parts
  // of a split image (linux-binary-, linux-modules-, linux-base-<abi> since
  // 7.x) and the headers' -common and kbuild packages.
  static std::vector<std::string> companion_packages(const std::string& abi, const std::string& depends_field);
  // "6.1.192-2" -> "linux-source-6.1"
  static std::string source_package(const std::string& version);

 private:
  std::string candidate_version(const std::string& package);
  std::string query_candidate_version(const std::string& package);
  void download(const std::vector<std::string>& packages_with_versions, const std::filesystem::path& dir);
  std::vector<std::string> companions_of(const std::filesystem::path& deb, const std::string& abi);
  void unpack_kernel(const std::string& package, const std::string& version, const std::filesystem::path& entry);

  ProcessRunner& runner_;
  CacheDir& cache_;
};

}  // namespace kmx
