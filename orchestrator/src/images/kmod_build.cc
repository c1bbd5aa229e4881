#include "images/kmod_build.h"

#include <nlohmann/json.hpp>

#include "images/image_step.h"
#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

constexpr const char* kBuildInfo = "build-info.json";
// Where the guest's (and Debian's) loader finds a soname.
const fs::path kHostLibDirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"};

fs::path find_below(const fs::path& root, const std::string& name) {
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().filename() == name) return e.path();
  return {};
}

std::string read_or_empty(const fs::path& path) {
  std::error_code ec;
  return !path.empty() && fs::is_regular_file(path, ec) ? read_file(path) : std::string();
}

// Libraries libkmod names but does not link (-Ddlopen): the image carries
// them so compressed modules work as on the distribution.
std::vector<std::string> runtime_loaded_sonames(const std::string& bytes) {
  std::vector<std::string> out;
  for (const auto& soname : named_sonames(bytes))
    if (soname.starts_with("liblzma.") || soname.starts_with("libzstd.") || soname.starts_with("libz.") ||
        soname.starts_with("libcrypto."))
      out.push_back(soname);
  return out;
}

}  // namespace

void run_kmod_build_step(ProcessRunner& runner, const std::vector<std::string>& argv, const fs::path& cwd,
                         const std::string& what, std::map<std::string, std::string> env) {
  run_image_step(runner, argv, {.cwd = cwd, .timeout = std::chrono::seconds(900), .env = std::move(env)},
                 "building kmod: " + what + " failed");
}

KmodBuildSystem build_system_of(const fs::path& src) {
  return fs::exists(src / "meson.build") ? KmodBuildSystem::kMeson : KmodBuildSystem::kAutotools;
}

std::vector<std::string> kmod_config_dirs(const fs::path& kmod_binary, const fs::path& libkmod) {
  std::vector<std::string> dirs = compiled_config_dirs(read_or_empty(kmod_binary));
  for (auto& d : compiled_config_dirs(read_or_empty(libkmod)))
    if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(std::move(d));
  return dirs;
}

void build_kmod_tree(ProcessRunner& runner, const fs::path& src, const fs::path& entry,
                     const KmodBuildOptions& options) {
  const fs::path root = entry / "root";
  if (options.system == KmodBuildSystem::kMeson) {
    std::vector<std::string> setup = {"meson", "setup", "build"};
    setup.insert(setup.end(), options.args.begin(), options.args.end());
    run_kmod_build_step(runner, setup, src, "meson setup");
    run_kmod_build_step(runner, {"ninja", "-C", "build", parallel_jobs_flag()}, src, "ninja");
    run_kmod_build_step(runner, {"ninja", "-C", "build", "install"}, src, "ninja install",
                        {{"DESTDIR", root.string()}});
  } else {
    // kmod <= 30 includes gtk-doc's make fragment even with docs disabled.
    fs::create_directories(src / "libkmod/docs");
    if (!fs::exists(src / "libkmod/docs/gtk-doc.make")) write_file_atomically(src / "libkmod/docs/gtk-doc.make", "");
    run_kmod_build_step(runner, {"autoreconf", "-fi"}, src, "autoreconf");
    std::vector<std::string> configure = {"./configure"};
    configure.insert(configure.end(), options.args.begin(), options.args.end());
    run_kmod_build_step(runner, configure, src, "configure");
    run_kmod_build_step(runner, {"make", parallel_jobs_flag()}, src, "make");
    run_kmod_build_step(runner, {"make", "install", "DESTDIR=" + root.string()}, src, "make install");
  }
  nlohmann::json info = {
      {"system", std::string(to_string(options.system))}, {"origin", options.origin}, {"options", options.args}};
  write_file_atomically(entry / kBuildInfo, info.dump(2) + "\n");
  const KmodArtifacts built = installed_kmod("check", entry);
  if (std::string problem = config_dir_problem(built.config_dirs); !problem.empty()) throw ImageError(problem);
  info["config_dirs"] = built.config_dirs;
  std::vector<std::string> sonames = runtime_loaded_sonames(read_or_empty(built.kmod_binary));
  if (!built.library_dir.empty())
    for (auto& s : runtime_loaded_sonames(read_or_empty(built.library_dir / "libkmod.so.2"))) sonames.push_back(s);
  info["runtime_loaded"] = sonames;
  write_file_atomically(entry / kBuildInfo, info.dump(2) + "\n");
}

KmodArtifacts installed_kmod(const std::string& id, const fs::path& entry) {
  const fs::path root = entry / "root";
  KmodArtifacts k;
  k.id = id;
  // The binary, not e.g. bash-completion/completions/kmod.
  for (const char* dir : {"usr/bin", "usr/sbin", "bin", "sbin"})
    if (fs::is_regular_file(root / dir / "kmod")) k.kmod_binary = root / dir / "kmod";
  if (k.kmod_binary.empty()) throw ImageError("the kmod build installed no kmod binary under " + root.string());
  const fs::path lib = find_below(root, "libkmod.so.2");
  if (!lib.empty()) k.library_dir = lib.parent_path();
  k.config_dirs = kmod_config_dirs(k.kmod_binary, lib);
  const std::string info_text = read_or_empty(entry / kBuildInfo);
  if (info_text.empty()) return k;
  const auto info = nlohmann::json::parse(info_text, nullptr, /*allow_exceptions=*/false);
  if (!info.is_object())
    throw ImageError(entry.string() + "/" + kBuildInfo + " is not JSON\n  fix: kmod-matrix cache --gc 0");
  k.build_system = info.value("system", "");
  k.build_origin = info.value("origin", "");
  k.build_options = info.value("options", std::vector<std::string>{});
  for (const auto& soname : info.value("runtime_loaded", std::vector<std::string>{})) {
    fs::path found;
    for (const auto& dir : kHostLibDirs)
      if (found.empty() && fs::exists(dir / soname)) found = dir / soname;
    if (found.empty())
      throw ImageError("the kmod build loads " + soname +
                       " at run time and the host has no such library\n"
                       "  fix: apt-get install the package that ships " +
                       soname);
    k.runtime_libraries.push_back(found);
  }
  return k;
}

}  // namespace kmx
