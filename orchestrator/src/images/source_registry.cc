#include "images/source_registry.h"

#include <algorithm>

#include "images/artifacts.h"

namespace kmx {
namespace {

template <class Source>
const Source& find(const std::vector<Source>& sources, const std::string& name, const std::string& kind) {
  auto it = std::find_if(sources.begin(), sources.end(), [&](const Source& s) { return s.reader.name == name; });
  if (it != sources.end()) return *it;
  std::string known;
  for (const auto& s : sources) known += (known.empty() ? "" : ", ") + s.reader.name;
  throw UnknownInputError(kind + " source '" + name + "' is not registered\n  fix: use one of: " + known);
}

}  // namespace

void SourceRegistry::add(KernelSource source) {
  if (readers_.kernel.empty()) readers_.kernel_default = source.reader.name;
  readers_.kernel.push_back(source.reader);
  kernels_.push_back(std::move(source));
}

void SourceRegistry::add(KmodSource source) {
  if (readers_.kmod.empty()) readers_.kmod_default = source.reader.name;
  readers_.kmod.push_back(source.reader);
  kmods_.push_back(std::move(source));
}

std::unique_ptr<KernelProvider> SourceRegistry::make_kernel_provider(const std::string& source,
                                                                     const ProviderContext& ctx) const {
  return find(kernels_, source, "kernel").make(ctx);
}

std::unique_ptr<KmodProvider> SourceRegistry::make_kmod_provider(const std::string& source,
                                                                 const ProviderContext& ctx) const {
  return find(kmods_, source, "kmod").make(ctx);
}

}  // namespace kmx
