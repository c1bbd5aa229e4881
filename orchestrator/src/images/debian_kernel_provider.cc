#include "images/debian_kernel_provider.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "images/image_step.h"
#include "images/kernel_build_tree.h"
#include "matrix/source_table.h"
#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

constexpr auto kAptTimeout = std::chrono::seconds(900);
// Bumped when the unpacked layout changes, so old cache entries are not reused.
constexpr const char* kLayoutVersion = "debian-kernel-v1";
// Where a module build tree prepared from linux-source goes, when the
// package's own headers cannot be used on this host.
constexpr const char* kBuildTree = "build-tree";

fs::path only_entry(const fs::path& dir, const std::string& what) {
  std::vector<fs::path> found;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir)) found.push_back(e.path());
  if (found.size() != 1) throw ImageError("expected exactly one " + what + " in " + dir.string());
  return found.front();
}

// A package of the same kernel build (split image parts, linux-base-<abi>)
// or one the headers need (-common, kbuild).
bool is_companion(const std::string& abi, const std::string& name) {
  const bool same_build = name.starts_with("linux-") && name.find(abi) != std::string::npos;
  return same_build || name.starts_with("linux-headers-") || name.starts_with("linux-kbuild-");
}

}  // namespace

std::string DebianKernelProvider::kernel_abi(const std::string& image_package) {
  std::string name = image_package.substr(std::string("linux-image-").size());
  if (name.ends_with("-unsigned")) name.resize(name.size() - std::string("-unsigned").size());
  return name;
}

std::string DebianKernelProvider::headers_package(const std::string& image_package) {
  return "linux-headers-" + kernel_abi(image_package);
}

std::vector<DebianKernelProvider::Dependency> DebianKernelProvider::parse_depends(const std::string& depends_field) {
  static const std::regex kItem(R"(^\s*([^\s(]+)\s*(?:\(\s*([<>=]+)\s*([^\s)]+)\s*\))?)");
  std::vector<Dependency> deps;
  std::istringstream in(depends_field);
  std::string item;
  while (std::getline(in, item, ',')) {
    item = item.substr(0, item.find('|'));  // first alternative
    std::smatch m;
    if (std::regex_search(item, m, kItem)) deps.push_back({m[1].str(), m[2].str(), m[3].str()});
  }
  return deps;
}

std::vector<std::string> DebianKernelProvider::depends_names(const std::string& depends_field) {
  std::vector<std::string> names;
  for (const auto& d : parse_depends(depends_field)) names.push_back(d.name);
  return names;
}

std::vector<std::string> DebianKernelProvider::companion_packages(const std::string& abi,
                                                                  const std::string& depends_field) {
  std::vector<std::string> companions;
  for (const auto& name : depends_names(depends_field))
    if (is_companion(abi, name)) companions.push_back(name);
  return companions;
}

std::string DebianKernelProvider::source_package(const std::string& version) {
  static const std::regex kMajorMinor(R"((\d+)\.(\d+).*)");
  std::smatch m;
  if (!std::regex_match(version, m, kMajorMinor))
    throw ImageError("cannot read a kernel version from '" + version + "'");
  return "linux-source-" + m[1].str() + "." + m[2].str();
}

AptPackage DebianKernelProvider::parse_apt_stanza(const std::string& text) {
  AptPackage p;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) break;  // the first stanza only
    auto field = [&](const char* name) -> std::optional<std::string> {
      const std::string prefix = std::string(name) + ": ";
      if (!line.starts_with(prefix)) return std::nullopt;
      return line.substr(prefix.size());
    };
    if (auto v = field("Package")) p.package = *v;
    if (auto v = field("Version")) p.version = *v;
    if (auto v = field("Depends")) p.depends = *v;
  }
  return p;
}

std::optional<std::pair<std::string, std::string>> DebianKernelProvider::image_dependency(const AptPackage& package) {
  static const std::regex kImage(R"(\s*(linux-image-[a-z0-9.+-]+)\s*(?:\(\s*=\s*([^)\s]+)\s*\))?\s*)");
  std::istringstream in(package.depends);
  for (std::string item; std::getline(in, item, ',');) {
    item = item.substr(0, item.find('|'));
    std::smatch m;
    if (std::regex_match(item, m, kImage) && m[1] != package.package) return std::make_pair(m[1].str(), m[2].str());
  }
  return std::nullopt;
}

AptPackage DebianKernelProvider::show(const std::string& query, const DebianKernelSpec& spec) {
  // apt-cache takes ~1.5 s with five suites; its answer only changes when
  // apt-get update replaces the lists (renames in that directory).
  std::error_code ec;
  const auto stamp = fs::last_write_time("/var/lib/apt/lists", ec);
  const std::string stamp_text = ec ? "" : std::to_string(stamp.time_since_epoch().count());
  std::string file = query;
  std::replace(file.begin(), file.end(), '/', '@');
  const fs::path memo = cache_.root() / "apt-show" / (file + ".txt");
  if (!stamp_text.empty() && fs::exists(memo)) {
    const std::string content = read_file(memo);
    const auto newline = content.find('\n');
    if (newline != std::string::npos && content.substr(0, newline) == stamp_text)
      return parse_apt_stanza(content.substr(newline + 1));
  }
  const AptPackage p = query_apt(query, spec);
  if (!stamp_text.empty())
    write_file_atomically(
        memo, stamp_text + "\nPackage: " + p.package + "\nVersion: " + p.version + "\nDepends: " + p.depends + "\n");
  return p;
}

AptPackage DebianKernelProvider::query_apt(const std::string& query, const DebianKernelSpec& spec) {
  std::vector<std::string> argv = {"apt-cache", "show", "--no-all-versions", query};
  ProcessResult r = runner_.run(argv, {.timeout = std::chrono::seconds(120)});
  AptPackage p = parse_apt_stanza(r.output);
  if (r.ok() && !p.version.empty()) return p;
  const std::string in_suite = spec.suite.empty() ? "" : " in suite '" + spec.suite + "'";
  const std::string suites =
      spec.suite.empty() ? "" : "run 'apt-cache policy " + spec.package + "' to list the suites that have it; ";
  throw UnknownInputError(
      spec.location + ": kernel '" + spec.name + "': apt knows no package '" + query + "'" + in_suite +
      "\n  fix: " + suites +
      "run 'apt-cache search --names-only ^linux-image-' to list the kernels apt can fetch; name a "
      "series (linux-image-6.12-amd64) rather than one build, whose name vanishes when Debian moves on "
      "(ci/setup-host.sh adds bookworm-backports, trixie and sid; then run 'apt-get update')");
}

ResolvedKernelPackage DebianKernelProvider::resolve_package(const DebianKernelSpec& spec) {
  ResolvedKernelPackage resolved;
  AptPackage p = show(spec.suite.empty() ? spec.package : spec.package + "/" + spec.suite, spec);
  p.package = spec.package;  // apt answers for the name asked, whatever the query's suffix
  // linux-image-amd64 -> linux-image-6.12-amd64 would be two hops; allow a few more.
  for (int hop = 0; hop < 4; ++hop) {
    const auto next = image_dependency(p);
    if (!next) {
      resolved.package = p.package;
      resolved.version = p.version;
      return resolved;
    }
    resolved.via.push_back(p.package);
    const auto& [name, pinned] = *next;
    p = show(pinned.empty() ? name : name + "=" + pinned, spec);
    p.package = name;
  }
  throw UnknownInputError(
      spec.location + ": kernel '" + spec.name + "': '" + spec.package + "' leads through more than 4 meta-packages (" +
      fmt::format("{}", fmt::join(resolved.via, " -> ")) + ")\n  fix: name the concrete linux-image package");
}

std::string DebianKernelProvider::resolve(const DebianKernelSpec& spec) {
  const ResolvedKernelPackage r = resolve_package(spec);
  const std::string from = r.via.empty() ? "" : spec.package + (spec.suite.empty() ? "" : "/" + spec.suite) + " -> ";
  return from + r.package + " " + r.version;
}

void DebianKernelProvider::download(const std::vector<std::string>& packages, const fs::path& dir) {
  std::vector<std::string> argv = {"apt-get", "download", "-o", "APT::Sandbox::User=root"};
  argv.insert(argv.end(), packages.begin(), packages.end());
  spdlog::info("downloading {}", fmt::join(packages, " "));
  run_image_step(runner_, argv, {.cwd = dir, .timeout = kAptTimeout}, "apt-get download failed");
}

std::vector<DebianKernelProvider::Dependency> DebianKernelProvider::companions_of(const fs::path& deb,
                                                                                  const std::string& abi) {
  const std::vector<std::string> argv = {"dpkg-deb", "-f", deb.string(), "Depends"};
  const ProcessResult deps =
      run_image_step(runner_, argv, {}, "reading the dependencies of " + deb.filename().string());
  std::vector<Dependency> companions;
  for (const auto& d : parse_depends(deps.output))
    if (is_companion(abi, d.name)) companions.push_back(d);
  return companions;
}

std::string DebianKernelProvider::download_request(const std::string& name, const std::string& version, bool exact) {
  const std::string pinned = name + "=" + version;
  if (exact) return pinned;
  const ProcessResult r =
      runner_.run({"apt-cache", "show", "--no-all-versions", pinned}, {.timeout = std::chrono::seconds(120)});
  if (r.ok() && !parse_apt_stanza(r.output).version.empty()) return pinned;
  spdlog::info("{} {} is no longer in apt's lists; taking apt's candidate", name, version);
  return name;
}

void DebianKernelProvider::unpack_kernel(const std::string& package, const std::string& version,
                                         const fs::path& entry) {
  const fs::path debs = entry / "debs";
  const fs::path root = entry / "root";
  fs::create_directories(debs);
  fs::create_directories(root);
  const std::string abi = kernel_abi(package);
  const std::vector<std::string> first = {package, headers_package(package)};
  std::vector<std::string> wanted;
  for (const auto& name : first) wanted.push_back(name + "=" + version);
  download(wanted, debs);

  // The rest of the same build: since 7.x the image is a metapackage over
  // linux-binary/linux-modules/linux-base; headers need -common and kbuild.
  std::set<std::string> extra;
  for (const auto& e : fs::directory_iterator(debs))
    for (const auto& dep : companions_of(e.path(), abi))
      if (std::find(first.begin(), first.end(), dep.name) == first.end())
        extra.insert(download_request(dep.name, dep.version.empty() ? version : dep.version, dep.relation == "="));
  extra.insert(download_request(source_package(version), version, false));
  download({extra.begin(), extra.end()}, debs);

  for (const auto& e : fs::directory_iterator(debs)) {
    const std::vector<std::string> argv = {"dpkg-deb", "-x", e.path().string(), root.string()};
    run_image_step(runner_, argv, {.timeout = std::chrono::seconds(300)}, "unpacking " + e.path().filename().string());
  }
  fs::remove_all(debs);

  // Merged /usr (7.x): modules in /usr/lib/modules, the kernel beside them.
  if (fs::is_directory(root / "usr/lib/modules") && !fs::exists(root / "lib/modules")) {
    fs::create_directories(root / "lib");
    fs::rename(root / "usr/lib/modules", root / "lib/modules");
  }
  std::error_code none;
  for (const auto& e : fs::directory_iterator(root / "lib/modules", none)) {
    const fs::path boot = root / "boot" / ("vmlinuz-" + e.path().filename().string());
    if (fs::exists(e.path() / "vmlinuz") && !fs::exists(boot)) {
      fs::create_directories(boot.parent_path());
      fs::rename(e.path() / "vmlinuz", boot);
    }
  }
}

KernelArtifacts DebianKernelProvider::prepare(const DebianKernelSpec& spec) {
  const ResolvedKernelPackage resolved = resolve_package(spec);
  const std::string& package = resolved.package;
  const std::string& version = resolved.version;
  if (!resolved.via.empty()) spdlog::info("kernel '{}': {}", spec.name, resolve(spec));
  const std::string key = cache_key_name(package + "_" + version, std::string(kLayoutVersion) + package + version);
  const fs::path entry = cache_.ensure("kernels", key, [&](const fs::path& tmp) {
    spdlog::info("preparing Debian kernel {} {} (cached after the first run)", package, version);
    unpack_kernel(package, version, tmp);
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
      if (e.path().filename().string().starts_with("linux-source-") && e.path().extension() == ".xz")
        source_tar = e.path();
    if (source_tar.empty()) throw ImageError("linux-source tarball missing after unpacking " + package);
    const std::string top = source_tar.filename().string().substr(0, source_tar.filename().string().find(".tar"));
    const fs::path sources = tmp / "sources";
    fs::create_directories(sources);
    std::vector<std::string> argv = {"tar",
                                     "-xJf",
                                     source_tar.string(),
                                     "-C",
                                     sources.string(),
                                     "--strip-components=1",
                                     "--wildcards",
                                     top + "/lib/test_kmod.c",
                                     top + "/lib/test_module.c",
                                     top + "/tools/testing/selftests/kmod/*"};
    run_image_step(runner_, argv, {.timeout = std::chrono::seconds(600)}, "extracting kmod selftests from " + top);

    if (const std::string why = headers_unusable_reason(runner_, build); !why.empty()) {
      spdlog::info("{} cannot build modules on this host: {}; preparing a build tree from {}",
                   build.filename().string(), why, source_tar.filename().string());
      prepare_build_tree_from_source(runner_, {.source_tarball = source_tar,
                                               .headers_dir = build,
                                               .release = release,
                                               .work_dir = tmp / "build-tree-work",
                                               .out_dir = tmp / kBuildTree});
    }
    fs::remove(source_tar);

    // Debian ships no modules.dep: depmod runs in the package's postinst.
    argv = {"depmod", "-b", root.string(), release};
    run_image_step(runner_, argv, {.timeout = std::chrono::seconds(300)}, "depmod over " + release);
    write_file_atomically(tmp / "release", release);
  });

  KernelArtifacts k;
  k.release = read_file(entry / "release");
  k.id = key;
  k.modules_root = entry / "root";
  k.vmlinuz = k.modules_root / "boot" / ("vmlinuz-" + k.release);
  if (fs::exists(entry / kBuildTree)) {
    k.build_dir = entry / kBuildTree;
    k.build_dir_origin = read_file(k.build_dir / kBuildTreeOriginFile);
  } else {
    k.build_dir = k.modules_root / "usr/src" / ("linux-headers-" + k.release);
    k.build_dir_origin = "Debian's linux-headers-" + k.release;
  }
  k.sources = entry / "sources";
  k.package = package;
  k.package_version = version;
  return k;
}

namespace {

DebianKernelSpec read_debian_kernel(SourceTable& table) {
  DebianKernelSpec k{table.name(), table.location()};
  k.package = table.required_string("package", "\"linux-image-6.1.0-56-amd64\"");
  static const std::regex kDebianName("[a-z0-9][a-z0-9+.-]+");
  if (!std::regex_match(k.package, kDebianName))
    table.fail_at("package", "'" + k.package + "' is not a Debian package name",
                  "use lowercase letters, digits and + . - only, e.g. linux-image-6.1.0-56-amd64");
  if (!k.package.starts_with("linux-image-"))
    table.fail_at("package", "package '" + k.package + "' is not a linux-image package",
                  "name a kernel series (linux-image-6.12-amd64, linux-image-6.12-cloud-amd64) or one build "
                  "(linux-image-6.1.0-56-amd64); apt-cache search linux-image lists them");
  k.suite = table.string("suite").value_or("");
  static const std::regex kSuite("[a-z][a-z0-9-]*");
  if (!k.suite.empty() && !std::regex_match(k.suite, kSuite))
    table.fail_at("suite", "'" + k.suite + "' is not an apt suite name",
                  "use a suite or codename apt knows, e.g. bookworm-backports, trixie, sid");
  return k;
}

}  // namespace

KernelSource DebianKernelProvider::source() {
  return {{"debian", "\"debian\" (package = ...)", reader_of(read_debian_kernel)},
          [](const ProviderContext& ctx) { return std::make_unique<DebianKernelProvider>(ctx.runner, ctx.cache); }};
}

}  // namespace kmx
