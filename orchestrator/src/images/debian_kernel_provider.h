// Debian kernel packages: downloaded with apt-get download (never installed
// into the host), unpacked into the cache with their headers and the few
// files of linux-source the tests need.
#pragma once

#include <optional>
#include <utility>

#include "images/cache_dir.h"
#include "images/source_registry.h"
#include "os/process_runner.h"

namespace kmx {

// What [[kernel]] source = "debian" declares.
struct DebianKernelSpec {
  std::string name;
  std::string location;
  // linux-image-<abi>-<flavour>, or a meta-package that tracks a series
  // (linux-image-6.12-amd64, linux-image-6.12-cloud-amd64, linux-image-amd64).
  std::string package;
  std::string suite;  // "": apt's candidate; else the package from that suite (bookworm-backports, sid)
};

// The fields of one `apt-cache show` stanza a resolution follows.
struct AptPackage {
  std::string package;
  std::string version;
  std::string depends;
};

// A kernel package as a run uses it: the concrete linux-image-<abi> package
// and its Debian version, reached from what the matrix named through the
// meta-packages in `via`.
struct ResolvedKernelPackage {
  std::string package;
  std::string version;
  std::vector<std::string> via;
};

class DebianKernelProvider : public KernelProviderOf<DebianKernelSpec> {
 public:
  DebianKernelProvider(ProcessRunner& runner, CacheDir& cache) : runner_(runner), cache_(cache) {}
  std::string resolve(const DebianKernelSpec& spec) override;
  KernelArtifacts prepare(const DebianKernelSpec& spec) override;
  // "debian": its reader and factory, for the registry.
  static KernelSource source();

  // Follows meta-packages to the concrete image package apt would fetch.
  ResolvedKernelPackage resolve_package(const DebianKernelSpec& spec);
  // The first stanza of an `apt-cache show` answer; empty version when none.
  static AptPackage parse_apt_stanza(const std::string& text);
  // The linux-image package a meta-package depends on, with the version it
  // pins ("" when unpinned); nullopt for a concrete image package.
  static std::optional<std::pair<std::string, std::string>> image_dependency(const AptPackage& package);

  // "linux-image-6.1.0-56-amd64[-unsigned]" -> "6.1.0-56-amd64"
  static std::string kernel_abi(const std::string& image_package);
  // "linux-image-6.1.0-56-amd64[-unsigned]" -> "linux-headers-6.1.0-56-amd64"
  static std::string headers_package(const std::string& image_package);
  // One package of a Depends field: its first alternative, with the
  // relation and version when it has them ("=", ">=", ...; "" otherwise).
  struct Dependency {
    std::string name;
    std::string relation;
    std::string version;
  };
  static std::vector<Dependency> parse_depends(const std::string& depends_field);
  // Package names from a Depends field, versions and alternatives dropped.
  static std::vector<std::string> depends_names(const std::string& depends_field);
  // The packages of the same kernel build a Depends field names: the parts
  // of a split image (linux-binary-, linux-modules-, linux-base-<abi> since
  // 7.x) and the headers' -common and kbuild packages.
  static std::vector<std::string> companion_packages(const std::string& abi, const std::string& depends_field);
  // "6.1.192-2" -> "linux-source-6.1"
  static std::string source_package(const std::string& version);

 private:
  // `apt-cache show QUERY` (QUERY: name, name/suite or name=version),
  // remembered until apt-get update replaces the package lists.
  AptPackage show(const std::string& query, const DebianKernelSpec& spec);
  AptPackage query_apt(const std::string& query, const DebianKernelSpec& spec);
  void download(const std::vector<std::string>& packages_with_versions, const std::filesystem::path& dir);
  std::vector<Dependency> companions_of(const std::filesystem::path& deb, const std::string& abi);
  // "name=version" when apt still has that version (or the dependency asks
  // for exactly it), else "name": apt's candidate. Debian rolls packages
  // such as linux-kbuild-6.1 (headers: ">= 6.1.192-2") and linux-source-6.1
  // past the kernel build they came with.
  std::string download_request(const std::string& name, const std::string& version, bool exact);
  void unpack_kernel(const std::string& package, const std::string& version, const std::filesystem::path& entry);

  ProcessRunner& runner_;
  CacheDir& cache_;
};

}  // namespace kmx
