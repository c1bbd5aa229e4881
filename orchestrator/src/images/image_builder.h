// Assembles the initramfs for one (kernel, kmod, agent) triple: busybox,
// bash, capsh, the kmod under test, the kernel modules the tests need with
// their dependency closure, kmod.sh, and the agent as /init.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "images/artifacts.h"
#include "images/cache_dir.h"
#include "os/process_runner.h"

namespace kmx {

struct Image {
  std::string id;
  std::string kernel_release;
  std::filesystem::path vmlinuz;
  std::filesystem::path initrd;
  std::string test_modules_built_against;  // KernelArtifacts::build_dir_origin
  std::string kernel_package;              // KernelArtifacts::package and package_version
  std::string kernel_package_version;
  // How the kmod under test was built and which modprobe.d it reads.
  nlohmann::json kmod_build = nlohmann::json::object();
  // kmod.sh's own round count per test ("kmod:0009" -> 150), from its ALL_TESTS.
  std::map<std::string, int> kmod_rounds;
  // The same kernel uncompressed, started at its PVH entry under TCG
  // (pvh_kernel.h); empty when it has none.
  std::filesystem::path pvh_kernel;
};

struct ImageInputs {
  KernelArtifacts kernel;
  KmodArtifacts kmod;
  std::filesystem::path test_modules;  // dir with test_kmod.ko, test_module.ko and ours
  std::filesystem::path suites;        // images/suites: our guest test scripts
  std::filesystem::path agent;         // static kmx-agent binary
  // Kernel modules to include by name or alias, with their closure. kmod.sh
  // needs xfs modular and unloaded for tests 0008/0009 and others.
  std::vector<std::string> modules = {"xfs"};
};

class ImageBuilder {
 public:
  ImageBuilder(ProcessRunner& runner, CacheDir& cache) : runner_(runner), cache_(cache) {}
  // Cached by content: a second call with identical inputs builds nothing.
  Image build(const ImageInputs& inputs);

 private:
  std::string image_key(const ImageInputs& inputs);
  std::filesystem::path pvh_kernel(const KernelArtifacts& kernel);
  void assemble(const ImageInputs& inputs, const std::filesystem::path& out);
  std::vector<std::string> shared_libraries(const std::vector<std::string>& binaries,
                                            const std::filesystem::path& library_dir);

  ProcessRunner& runner_;
  CacheDir& cache_;
};

}  // namespace kmx
