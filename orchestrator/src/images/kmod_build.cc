#include "images/kmod_build.h"

#include "images/image_step.h"
#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

fs::path find_below(const fs::path& root, const std::string& name) {
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().filename() == name) return e.path();
  return {};
}

}  // namespace

void run_kmod_build_step(ProcessRunner& runner, const std::vector<std::string>& argv, const fs::path& cwd,
                         const std::string& what, std::map<std::string, std::string> env) {
  run_image_step(runner, argv, {.cwd = cwd, .timeout = std::chrono::seconds(900), .env = std::move(env)},
                 "building kmod: " + what + " failed");
}

void build_kmod_tree(ProcessRunner& runner, const fs::path& src, const fs::path& root) {
  if (fs::exists(src / "meson.build")) {
    run_kmod_build_step(runner,
        {"meson", "setup", "build", "--prefix=/usr", "-Dmanpages=false", "-Ddocs=false", "-Dbuild-tests=false",
         "-Dzstd=enabled", "-Dxz=enabled", "-Dzlib=disabled", "-Dopenssl=enabled", "-Ddlopen="},
        src, "meson setup");
    run_kmod_build_step(runner, {"ninja", "-C", "build", parallel_jobs_flag()}, src, "ninja");
    run_kmod_build_step(runner, {"ninja", "-C", "build", "install"}, src, "ninja install", {{"DESTDIR", root.string()}});
    return;
  }
  // kmod <= 30 includes gtk-doc's make fragment even with docs disabled.
  fs::create_directories(src / "libkmod/docs");
  if (!fs::exists(src / "libkmod/docs/gtk-doc.make")) write_file_atomically(src / "libkmod/docs/gtk-doc.make", "");
  run_kmod_build_step(runner, {"autoreconf", "-fi"}, src, "autoreconf");
  run_kmod_build_step(runner,
      {"./configure", "--prefix=/usr", "--disable-gtk-doc", "--disable-manpages", "--with-xz", "--with-zstd",
       "--with-openssl"},
      src, "configure");
  run_kmod_build_step(runner, {"make", parallel_jobs_flag()}, src, "make");
  run_kmod_build_step(runner, {"make", "install", "DESTDIR=" + root.string()}, src, "make install");
}

KmodArtifacts installed_kmod(const std::string& id, const fs::path& root) {
  KmodArtifacts k;
  k.id = id;
  // The binary, not e.g. bash-completion/completions/kmod.
  for (const char* dir : {"usr/bin", "usr/sbin", "bin", "sbin"})
    if (fs::is_regular_file(root / dir / "kmod")) k.kmod_binary = root / dir / "kmod";
  if (k.kmod_binary.empty()) throw ImageError("the kmod build installed no kmod binary under " + root.string());
  const fs::path lib = find_below(root, "libkmod.so.2");
  if (!lib.empty()) k.library_dir = lib.parent_path();
  return k;
}

}  // namespace kmx
