// Where a cell's image comes from: the real providers and builder, or a
// fixed image in tests.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "images/image_builder.h"
#include "images/source_registry.h"
#include "matrix/matrix.h"

namespace kmx {

// Cells with the same key share one image: the kernel and the kmod by name.
std::string image_key(const Cell& cell);

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // Throws UnknownInputError for bad input, ImageError for build failures.
  virtual Image image_for(const Cell& cell) = 0;
  // Every kernel and kmod the matrix names, looked up without building
  // anything (KernelProvider::resolve): one line each, "kernel NAME: ...".
  // Throws one UnknownInputError listing every problem, each at its table.
  virtual std::vector<std::string> resolve_inputs(const Matrix& matrix) = 0;
  // Before resolve_inputs, when a run starts: every source whose input
  // moves (a git ref) pinned to what it names now (KernelProvider::pin), in
  // the matrix itself, so every cell tests the same revision. `pinned`: what
  // a resumed run recorded, by "kernel NAME" or "kmod NAME". Throws one
  // UnknownInputError listing every problem, each at its table.
  virtual void pin_inputs(Matrix& matrix, const std::map<std::string, std::string>& pinned) {
    (void)matrix;
    (void)pinned;
  }
};

// Providers come from the registry by source name, one of each per run,
// made on first use; kernels are prepared once per kernel name.
class BuiltImageSource : public ImageSource {
 public:
  // ctx.data_dir: the installed data (test module sources, suite scripts).
  BuiltImageSource(const SourceRegistry& sources, ProviderContext ctx, std::filesystem::path agent_binary);
  Image image_for(const Cell& cell) override;
  std::vector<std::string> resolve_inputs(const Matrix& matrix) override;
  void pin_inputs(Matrix& matrix, const std::map<std::string, std::string>& pinned) override;

 private:
  Image build(const Cell& cell);
  KernelProvider& kernel_provider(const std::string& source);
  KmodProvider& kmod_provider(const std::string& source);

  const SourceRegistry& sources_;
  ProviderContext ctx_;
  std::filesystem::path agent_;
  std::map<std::string, std::unique_ptr<KernelProvider>> kernel_providers_;  // by source name
  std::map<std::string, std::unique_ptr<KmodProvider>> kmod_providers_;
  std::mutex mutex_;
  std::map<std::string, KernelArtifacts> kernels_;  // by kernel name, once per run
  std::map<std::string, Image> images_;             // by kernel+kmod name
  std::map<std::string, std::string> failures_;     // by kernel+kmod name: reported once
};

}  // namespace kmx
