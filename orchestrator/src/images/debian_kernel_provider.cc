#include "images/debian_kernel_provider.h"

#include <regex>
#include <spdlog/spdlog.h>
#include <sstream>

#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

constexpr auto kAptTimeout = std::chrono::seconds(900);
// Bumped when the unpacked layout changes, so old cache entries are not reused.
constexpr const char* kLayoutVersion = "debian-kernel-v1";

void check(const ProcessResult& r, const std::vector<std::string>& argv, const std::string& what) {
  if (!r.ok()) throw ImageError(what + ": " + r.describe(argv));
}

fs::path only_entry(const fs::path& dir, const std::string& what) {
  std::vector<fs::path> found;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir)) found.push_back(e.path());
  if (found.size() != 1) throw ImageError("expected exactly one " + what + " in " + dir.string());
  return found.front();
}

}  // namespace

std::string DebianKernelProvider::headers_package(const std::string& image_package) {
  std::string name = image_package;
  if (name.ends_with("-unsigned")) name.resize(name.size() - std::string("-unsigned").size());
  return "linux-headers-" + name.substr(std::string("linux-image-").size());
}

std::vector<std::string> DebianKernelProvider::depends_names(const std::string& depends_field) {
  std::vector<std::string> names;
  std::istringstream in(depends_field);
  std::string item;
  while (std::getline(in, item, ',')) {
    item = item.substr(0, item.find('|'));  // first alternative
    std::istringstream words(item);
    std::string name;
    words >> name;
    if (!name.empty()) names.push_back(name);
  }
  return names;
}

std::string DebianKernelProvider::source_package(const std::string& version) {
  static const std::regex kMajorMinor(R"((\d+)\.(\d+).*)");
  std::smatch m;
  if (!std::regex_match(version, m, kMajorMinor)) throw ImageError("cannot read a kernel version from '" + version + "'");
  return "linux-source-" + m[1].str() + "." + m[2].str();
}

std::string DebianKernelProvider::candidate_version(const std::string& package) {
  // apt-cache takes ~1.5 s with five suites; its answer only changes when
  // apt-get update replaces the lists (renames in that directory).
  std::error_code ec;
  const auto stamp = fs::last_write_time("/var/lib/apt/lists", ec);
  const std::string stamp_text = ec ? "" : std::to_string(stamp.time_since_epoch().count());
  const fs::path memo = cache_.root() / "apt-versions" / (package + ".txt");
  if (!stamp_text.empty() && fs::exists(memo)) {
    std::string content = read_file(memo);
    auto newline = content.find('\n');
    if (newline != std::string::npos && content.substr(0, newline) == stamp_text) return content.substr(newline + 1);
  }
  std::string version = query_candidate_version(package);
  if (!stamp_text.empty()) write_file_atomically(memo, stamp_text + "\n" + version);
  return version;
}

std::string DebianKernelProvider::query_candidate_version(const std::string& package) {
  std::vector<std::string> argv = {"apt-cache", "show", "--no-all-versions", package};
  ProcessResult r = runner_.run(argv, {.timeout = std::chrono::seconds(120)});
  static const std::regex kVersion(R"((?:^|\n)Version: (\S+))");
  std::smatch m;
  if (!r.ok() || !std::regex_search(r.output, m, kVersion))
    throw UnknownInputError("apt knows no package '" + package +
                            "'\n  fix: run 'apt-cache search --names-only ^linux-image-' to list the kernels apt can fetch "
                            "(ci/setup-host.sh adds bookworm-backports, trixie and sid), or run 'apt-get update'");
  return m[1];
}

void DebianKernelProvider::download(const std::vector<std::string>& packages, const fs::path& dir) {
  std::vector<std::string> argv = {"apt-get", "download", "-o", "APT::Sandbox::User=root"};
  argv.insert(argv.end(), packages.begin(), packages.end());
  spdlog::info("downloading {}", fmt::join(packages, " "));
  check(runner_.run(argv, {.cwd = dir, .timeout = kAptTimeout}), argv, "apt-get download failed");
}

void DebianKernelProvider::unpack_kernel(const std::string& package, const std::string& version, const fs::path& entry) {
  const fs::path debs = entry / "debs";
  const fs::path root = entry / "root";
  fs::create_directories(debs);
  fs::create_directories(root);
  const std::string headers = headers_package(package);
  download({package + "=" + version, headers + "=" + version}, debs);

  // The flavour headers depend on a -common headers package and on kbuild.
  fs::path headers_deb;
  for (const auto& e : fs::directory_iterator(debs))
    if (e.path().filename().string().starts_with(headers + "_")) headers_deb = e.path();
  std::vector<std::string> argv = {"dpkg-deb", "-f", headers_deb.string(), "Depends"};
  ProcessResult deps = runner_.run(argv);
  check(deps, argv, "reading " + headers + " dependencies");
  std::vector<std::string> extra;
  for (const auto& dep : depends_names(deps.output))
    if (dep.starts_with("linux-headers-") || dep.starts_with("linux-kbuild-")) extra.push_back(dep + "=" + version);
  extra.push_back(source_package(version) + "=" + version);
  download(extra, debs);

  for (const auto& e : fs::directory_iterator(debs)) {
    argv = {"dpkg-deb", "-x", e.path().string(), root.string()};
    check(runner_.run(argv, {.timeout = std::chrono::seconds(300)}), argv, "unpacking " + e.path().filename().string());
  }
  fs::remove_all(debs);
}

KernelArtifacts DebianKernelProvider::prepare(const KernelSpec& spec) {
  const std::string version = candidate_version(spec.package);
  const std::string key = cache_key_name(spec.package + "_" + version, std::string(kLayoutVersion) + spec.package + version);
  const fs::path entry = cache_.ensure("kernels", key, [&](const fs::path& tmp) {
    spdlog::info("preparing Debian kernel {} {} (cached after the first run)", spec.package, version);
    unpack_kernel(spec.package, version, tmp);
    const fs::path root = tmp / "root";
    const fs::path release_dir = only_entry(root / "lib/modules", "module directory");
    const std::string release = release_dir.filename().string();

    // The flavour Makefile includes the -common one by absolute /usr/src
    // path; make -C runs it from its own directory, so a relative path
    // keeps working wherever the cache entry ends up.
    const fs::path build = root / "usr/src" / ("linux-headers-" + release);
    std::string makefile = read_file(build / "Makefile");
    makefile = std::regex_replace(makefile, std::regex("/usr/src/"), "../");
    write_file_atomically(build / "Makefile", makefile);

    // Only a few files of linux-source are needed: the test modules and kmod.sh.
    fs::path source_tar;
    for (const auto& e : fs::directory_iterator(root / "usr/src"))
      if (e.path().filename().string().starts_with("linux-source-") && e.path().extension() == ".xz") source_tar = e.path();
    if (source_tar.empty()) throw ImageError("linux-source tarball missing after unpacking " + spec.package);
    const std::string top = source_tar.filename().string().substr(0, source_tar.filename().string().find(".tar"));
    const fs::path sources = tmp / "sources";
    fs::create_directories(sources);
    std::vector<std::string> argv = {"tar", "-xJf", source_tar.string(), "-C", sources.string(), "--strip-components=1",
                                     "--wildcards", top + "/lib/test_kmod.c", top + "/lib/test_module.c",
                                     top + "/tools/testing/selftests/kmod/*"};
    check(runner_.run(argv, {.timeout = std::chrono::seconds(600)}), argv, "extracting kmod selftests from " + top);
    fs::remove(source_tar);

    // Debian ships no modules.dep: depmod runs in the package's postinst.
    argv = {"depmod", "-b", root.string(), release};
    check(runner_.run(argv, {.timeout = std::chrono::seconds(300)}), argv, "depmod over " + release);
    write_file_atomically(tmp / "release", release);
  });

  KernelArtifacts k;
  k.release = read_file(entry / "release");
  k.id = key;
  k.modules_root = entry / "root";
  k.vmlinuz = k.modules_root / "boot" / ("vmlinuz-" + k.release);
  k.build_dir = k.modules_root / "usr/src" / ("linux-headers-" + k.release);
  k.sources = entry / "sources";
  return k;
}

}  // namespace kmx
