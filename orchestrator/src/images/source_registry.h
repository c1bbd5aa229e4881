// Kernel and kmod sources by name: each registers its TOML reader (the keys
// it accepts, its errors) and a factory for its provider. The matrix parser
// and the image source look sources up here; adding a source is one
// provider file pair plus one line in builtin_sources.cc.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "images/cache_dir.h"
#include "images/kernel_provider.h"
#include "matrix/source_readers.h"
#include "os/process_runner.h"

namespace kmx {

// What a provider may use: shared by every provider of a run.
struct ProviderContext {
  ProcessRunner& runner;
  CacheDir& cache;
  std::filesystem::path data_dir;  // the installed data: config fragments, build-kernel.sh, ...
};

struct KernelSource {
  SourceReader reader;
  std::function<std::unique_ptr<KernelProvider>(const ProviderContext&)> make;
};

struct KmodSource {
  SourceReader reader;
  std::function<std::unique_ptr<KmodProvider>(const ProviderContext&)> make;
};

class SourceRegistry {
 public:
  // The first kernel and kmod source added are the defaults of a table
  // without `source`.
  void add(KernelSource source);
  void add(KmodSource source);

  // For the matrix parser.
  const SourceReaders& readers() const { return readers_; }

  // Throw UnknownInputError naming the registered sources for an unknown name.
  std::unique_ptr<KernelProvider> make_kernel_provider(const std::string& source, const ProviderContext& ctx) const;
  std::unique_ptr<KmodProvider> make_kmod_provider(const std::string& source, const ProviderContext& ctx) const;

 private:
  SourceReaders readers_;
  std::vector<KernelSource> kernels_;
  std::vector<KmodSource> kmods_;
};

// Reads a source's own spec type into the std::any the matrix stores.
template <class Spec>
std::function<std::any(SourceTable&)> reader_of(Spec (*read)(SourceTable&)) {
  return [read](SourceTable& table) -> std::any { return read(table); };
}

}  // namespace kmx
