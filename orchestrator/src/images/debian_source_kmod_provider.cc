#include "images/debian_source_kmod_provider.h"

#include <spdlog/spdlog.h>

#include <sstream>
#include <thread>

#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

constexpr const char* kLayoutVersion = "kmod-debian-source-v1";

fs::path find_one(const fs::path& dir, const std::string& infix) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(infix) != std::string::npos) return e.path();
  return {};
}

// The installed multi-call binary (not e.g. bash-completion/completions/kmod).
fs::path installed_kmod(const fs::path& root) {
  for (const char* dir : {"usr/bin", "usr/sbin", "bin", "sbin"})
    if (fs::is_regular_file(root / dir / "kmod")) return root / dir / "kmod";
  return {};
}

fs::path find_below(const fs::path& root, const std::string& name) {
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().filename() == name) return e.path();
  return {};
}

std::string jobs() { return "-j" + std::to_string(std::max(1u, std::thread::hardware_concurrency())); }

}  // namespace

void DebianSourceKmodProvider::run(const std::vector<std::string>& argv, const fs::path& cwd, const std::string& what,
                                   std::map<std::string, std::string> env) {
  ProcessResult r = runner_.run(argv, {.cwd = cwd, .timeout = std::chrono::seconds(900), .env = std::move(env)});
  if (!r.ok()) throw ImageError("building kmod from Debian source: " + what + " failed: " + r.describe(argv));
}

void DebianSourceKmodProvider::fetch_and_unpack(const std::string& version, const fs::path& src) {
  const fs::path dl = src.parent_path() / "download";
  fs::create_directories(dl);
  std::vector<std::string> argv = {"apt-get", "source", "--download-only", "-o", "APT::Sandbox::User=root",
                                   "kmod=" + version};
  ProcessResult r = runner_.run(argv, {.cwd = dl, .timeout = std::chrono::seconds(600)});
  // Mirrors sometimes lack the .dsc while both tarballs arrive; unpacking by
  // hand below needs only the tarballs.
  const fs::path orig = find_one(dl, ".orig.tar.");
  const fs::path debian = find_one(dl, ".debian.tar.");
  if (orig.empty() || debian.empty()) {
    if (r.output.find("Unable to find a source package") != std::string::npos ||
        r.output.find("Can not find version") != std::string::npos)
      throw UnknownInputError("apt knows no kmod source version '" + version +
                              "'\n  fix: 'apt-cache showsrc kmod | grep ^Version' lists them (30+20221128-1 in bookworm, "
                              "34.2-2 in trixie; ci/setup-host.sh adds the deb-src lines)");
    throw ImageError("apt-get source kmod=" + version + " fetched no tarballs: " + r.describe(argv));
  }
  fs::create_directories(src);
  run({"tar", "-xf", orig.string(), "-C", src.string(), "--strip-components=1"}, dl, "unpacking " + orig.filename().string());
  run({"tar", "-xf", debian.string(), "-C", src.string()}, dl, "unpacking " + debian.filename().string());
  const fs::path series = src / "debian/patches/series";
  if (!fs::exists(series)) return;
  std::istringstream patches(read_file(series));
  for (std::string patch; std::getline(patches, patch);) {
    if (patch.empty() || patch[0] == '#') continue;
    patch = patch.substr(0, patch.find(' '));
    run({"patch", "-p1", "-i", (src / "debian/patches" / patch).string()}, src, "Debian patch " + patch);
  }
}

void DebianSourceKmodProvider::build_autotools(const fs::path& src, const fs::path& root) {
  // kmod <= 30 includes gtk-doc's make fragment even with docs disabled.
  fs::create_directories(src / "libkmod/docs");
  write_file_atomically(src / "libkmod/docs/gtk-doc.make", "");
  run({"autoreconf", "-fi"}, src, "autoreconf");
  run({"./configure", "--prefix=/usr", "--disable-gtk-doc", "--disable-manpages", "--with-xz", "--with-zstd",
       "--with-openssl"},
      src, "configure");
  run({"make", jobs()}, src, "make");
  run({"make", "install", "DESTDIR=" + root.string()}, src, "make install");
}

void DebianSourceKmodProvider::build_meson(const fs::path& src, const fs::path& root) {
  // -Ddlopen= links xz/zstd/openssl so ldd finds them for the image.
  run({"meson", "setup", "build", "--prefix=/usr", "-Dmanpages=false", "-Ddocs=false", "-Dbuild-tests=false",
       "-Dzstd=enabled", "-Dxz=enabled", "-Dzlib=disabled", "-Dopenssl=enabled", "-Ddlopen="},
      src, "meson setup");
  run({"ninja", "-C", "build", jobs()}, src, "ninja");
  run({"ninja", "-C", "build", "install"}, src, "ninja install", {{"DESTDIR", root.string()}});
}

KmodArtifacts DebianSourceKmodProvider::prepare(const KmodSpec& spec) {
  const std::string key = cache_key_name("kmod-" + spec.version, std::string(kLayoutVersion) + spec.version);
  const fs::path entry = cache_.ensure("kmod", key, [&](const fs::path& out) {
    spdlog::info("building kmod {} from Debian source (cached after the first run)", spec.version);
    const fs::path src = out / "src";
    fetch_and_unpack(spec.version, src);
    const fs::path root = out / "root";
    if (fs::exists(src / "meson.build")) build_meson(src, root);
    else build_autotools(src, root);
    if (installed_kmod(root).empty()) throw ImageError("kmod " + spec.version + " built but installed no kmod binary");
    fs::remove_all(src);
    fs::remove_all(out / "download");
  });
  KmodArtifacts k;
  k.id = key;
  k.kmod_binary = installed_kmod(entry / "root");
  const fs::path lib = find_below(entry / "root", "libkmod.so.2");
  if (!lib.empty()) k.library_dir = lib.parent_path();
  return k;
}

}  // namespace kmx
