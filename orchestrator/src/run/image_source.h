// Where a cell's image comes from: the real providers and builder, or a
// fixed image in tests.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "images/cache_dir.h"
#include "images/image_builder.h"
#include "images/kernel_provider.h"
#include "matrix/matrix.h"
#include "os/process_runner.h"

namespace kmx {

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // Throws UnknownInputError for bad input, ImageError for build failures.
  virtual Image image_for(const Cell& cell) = 0;
};

class BuiltImageSource : public ImageSource {
 public:
  // data_dir: the repository's images/ (test module sources, suite scripts).
  BuiltImageSource(ProcessRunner& runner, CacheDir& cache, std::filesystem::path agent_binary,
                   std::filesystem::path data_dir);
  Image image_for(const Cell& cell) override;

 private:
  Image build(const Cell& cell);

  ProcessRunner& runner_;
  CacheDir& cache_;
  std::filesystem::path agent_;
  std::filesystem::path data_dir_;
  std::unique_ptr<KernelProvider> debian_kernels_;
  std::unique_ptr<KernelProvider> build_dir_kernels_;
  std::unique_ptr<KernelProvider> source_kernels_;
  std::unique_ptr<KmodProvider> host_kmod_;
  std::unique_ptr<KmodProvider> debian_source_kmod_;
  std::unique_ptr<KmodProvider> tree_kmod_;
  std::unique_ptr<KmodProvider> busybox_kmod_;
  std::mutex mutex_;
  std::map<std::string, KernelArtifacts> kernels_;  // by kernel name, once per run
  std::map<std::string, Image> images_;             // by kernel+kmod name
  std::map<std::string, std::string> failures_;     // by kernel+kmod name: reported once
};

}  // namespace kmx
