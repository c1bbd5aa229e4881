#include "run/image_source.h"

#include <functional>

#include "images/test_module_builder.h"

namespace kmx {

BuiltImageSource::BuiltImageSource(const SourceRegistry& sources, ProviderContext ctx,
                                   std::filesystem::path agent_binary)
    : sources_(sources), ctx_(std::move(ctx)), agent_(std::move(agent_binary)) {}

std::string image_key(const Cell& cell) { return cell.kernel.name + "\n" + cell.kmod.name; }

Image BuiltImageSource::image_for(const Cell& cell) {
  std::lock_guard lock(mutex_);
  const std::string key = image_key(cell);
  if (auto it = images_.find(key); it != images_.end()) return it->second;
  if (auto it = failures_.find(key); it != failures_.end()) throw ImageError(it->second);
  try {
    Image image = build(cell);
    images_[key] = image;
    return image;
  } catch (const UnknownInputError&) {
    throw;
  } catch (const ImageError& e) {
    failures_[key] = e.what();
    throw;
  }
}

std::vector<std::string> BuiltImageSource::resolve_inputs(const Matrix& matrix) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> lines;
  std::string problems;
  auto each = [&](const std::string& what, const std::string& name, const std::function<std::string()>& resolve) {
    try {
      lines.push_back(what + " " + name + ": " + resolve());
    } catch (const UnknownInputError& e) {
      problems += (problems.empty() ? "" : "\n") + std::string(e.what());
    }
  };
  for (const auto& k : matrix.kernels) each("kernel", k.name, [&] { return kernel_provider(k.source).resolve(k); });
  for (const auto& k : matrix.kmods) each("kmod", k.name, [&] { return kmod_provider(k.source).resolve(k); });
  if (!problems.empty()) throw UnknownInputError(problems);
  return lines;
}

void BuiltImageSource::pin_inputs(Matrix& matrix, const std::map<std::string, std::string>& pinned) {
  std::lock_guard lock(mutex_);
  std::string problems;
  auto each = [&](const std::string& key, const std::function<void(const std::string&)>& pin) {
    try {
      const auto it = pinned.find(key);
      pin(it == pinned.end() ? std::string() : it->second);
    } catch (const UnknownInputError& e) {
      problems += (problems.empty() ? "" : "\n") + std::string(e.what());
    }
  };
  for (auto& k : matrix.kernels)
    each("kernel " + k.name, [&](const std::string& p) { kernel_provider(k.source).pin(k, p); });
  for (auto& k : matrix.kmods) each("kmod " + k.name, [&](const std::string& p) { kmod_provider(k.source).pin(k, p); });
  if (!problems.empty()) throw UnknownInputError(problems);
}

KernelProvider& BuiltImageSource::kernel_provider(const std::string& source) {
  auto& provider = kernel_providers_[source];
  if (!provider) provider = sources_.make_kernel_provider(source, ctx_);
  return *provider;
}

KmodProvider& BuiltImageSource::kmod_provider(const std::string& source) {
  auto& provider = kmod_providers_[source];
  if (!provider) provider = sources_.make_kmod_provider(source, ctx_);
  return *provider;
}

Image BuiltImageSource::build(const Cell& cell) {
  if (!std::filesystem::exists(agent_))
    throw ImageError("guest agent binary " + agent_.string() +
                     " does not exist\n  fix: build it (cmake --build build) or pass --agent");
  auto k = kernels_.find(cell.kernel.name);
  if (k == kernels_.end())
    k = kernels_.emplace(cell.kernel.name, kernel_provider(cell.kernel.source).prepare(cell.kernel)).first;
  ImageInputs inputs;
  inputs.kernel = k->second;
  inputs.kmod = kmod_provider(cell.kmod.source).prepare(cell.kmod);
  inputs.test_modules = build_test_modules(ctx_.runner, ctx_.cache, inputs.kernel, ctx_.data_dir / "modules");
  inputs.suites = ctx_.data_dir / "suites";
  inputs.agent = agent_;
  return ImageBuilder(ctx_.runner, ctx_.cache).build(inputs);
}

}  // namespace kmx
