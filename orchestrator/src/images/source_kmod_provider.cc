#include "images/source_kmod_provider.h"

#include <spdlog/spdlog.h>

#include "images/kmod_build.h"
#include "images/tree_identity.h"
#include "matrix/source_table.h"
#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;

std::string SourceKmodProvider::resolve(const SourceKmodSpec& spec) {
  if (!fs::exists(spec.path / "libkmod") ||
      !(fs::exists(spec.path / "meson.build") || fs::exists(spec.path / "configure.ac")))
    throw UnknownInputError(
        spec.location + ": kmod '" + spec.name + "': " + spec.path.string() +
        " is not a kmod source tree\n  fix: point path at a kmod checkout (libkmod/ and meson.build "
        "or configure.ac)");
  return "source tree " + spec.path.string() + " (" + (fs::exists(spec.path / "meson.build") ? "meson" : "autotools") +
         ")";
}

KmodArtifacts SourceKmodProvider::prepare(const SourceKmodSpec& spec) {
  resolve(spec);
  const std::string key = cache_key_name("kmod-" + spec.name, "kmod-source-v2\n" + tree_identity(runner_, spec.path));
  const fs::path entry = cache_.ensure("kmod", key, [&](const fs::path& out) {
    spdlog::info("building kmod '{}' from {} (cached until the tree changes)", spec.name, spec.path.string());
    // A copy: autoreconf and in-tree builds must not touch the user's checkout.
    const fs::path src = out / "src";
    const auto fresh_copy = [&] {
      fs::remove_all(src);
      fs::remove_all(out / "root");
      fs::copy(spec.path, src, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
      fs::remove_all(src / ".git");
      fs::remove_all(src / "build");
    };
    fresh_copy();
    const KmodBuildSystem system = build_system_of(src);
    const fs::path meson_options = src / "meson_options.txt";
    try {
      build_kmod_tree(runner_, src, out,
                      distribution_options(system, fs::exists(meson_options) ? read_file(meson_options) : ""));
    } catch (const ImageError& e) {
      // Between meson's arrival (2024-09, libkmod only at first) and kmod 34
      // a tree has both; autotools still built all of it then.
      if (system != KmodBuildSystem::kMeson || !fs::exists(src / "configure.ac")) throw;
      spdlog::warn("kmod '{}': the meson build failed ({}); the tree still has configure.ac, building with autotools",
                   spec.name, std::string(e.what()).substr(0, std::string(e.what()).find('\n')));
      fresh_copy();
      build_kmod_tree(runner_, src, out, distribution_options(KmodBuildSystem::kAutotools));
    }
    installed_kmod(key, out);
    fs::remove_all(src);
  });
  return installed_kmod(key, entry);
}

namespace {

SourceKmodSpec read_source_kmod(SourceTable& table) {
  return {table.name(), table.location(), table.required_path("path", "\"../kmod\" (a kmod checkout)")};
}

}  // namespace

KmodSource SourceKmodProvider::source() {
  return {{"source", "\"source\" (path = a kmod tree)", reader_of(read_source_kmod)},
          [](const ProviderContext& ctx) { return std::make_unique<SourceKmodProvider>(ctx.runner, ctx.cache); }};
}

}  // namespace kmx
