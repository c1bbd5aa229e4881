#include "images/debian_source_kmod_provider.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "images/kmod_build.h"
#include "matrix/source_table.h"
#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

// v2: configured with debian/rules' own options (v1 had autotools' default
// sysconfdir, /usr/etc, for kmod <= 30).
constexpr const char* kLayoutVersion = "kmod-debian-source-v2";

fs::path find_one(const fs::path& dir, const std::string& infix) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(infix) != std::string::npos) return e.path();
  return {};
}
}  // namespace

void DebianSourceKmodProvider::fetch_and_unpack(const std::string& version, const fs::path& src) {
  const fs::path dl = src.parent_path() / "download";
  fs::create_directories(dl);
  std::vector<std::string> argv = {"apt-get",        "source", "--download-only", "-o", "APT::Sandbox::User=root",
                                   "kmod=" + version};
  ProcessResult r = runner_.run(argv, {.cwd = dl, .timeout = std::chrono::seconds(600)});
  // Mirrors sometimes lack the .dsc while both tarballs arrive; unpacking by
  // hand below needs only the tarballs.
  const fs::path orig = find_one(dl, ".orig.tar.");
  const fs::path debian = find_one(dl, ".debian.tar.");
  if (orig.empty() || debian.empty()) {
    if (r.output.find("Unable to find a source package") != std::string::npos ||
        r.output.find("Can not find version") != std::string::npos)
      throw UnknownInputError(
          "apt knows no kmod source version '" + version +
          "'\n  fix: 'apt-cache showsrc kmod | grep ^Version' lists them (30+20221128-1 in bookworm, "
          "34.2-2 in trixie; ci/setup-host.sh adds the deb-src lines)");
    throw ImageError("apt-get source kmod=" + version + " fetched no tarballs: " + r.describe(argv));
  }
  fs::create_directories(src);
  run_kmod_build_step(runner_, {"tar", "-xf", orig.string(), "-C", src.string(), "--strip-components=1"}, dl,
                      "unpacking " + orig.filename().string());
  run_kmod_build_step(runner_, {"tar", "-xf", debian.string(), "-C", src.string()}, dl,
                      "unpacking " + debian.filename().string());
  const fs::path series = src / "debian/patches/series";
  if (!fs::exists(series)) return;
  std::istringstream patches(read_file(series));
  for (std::string patch; std::getline(patches, patch);) {
    if (patch.empty() || patch[0] == '#') continue;
    patch = patch.substr(0, patch.find(' '));
    run_kmod_build_step(runner_, {"patch", "-p1", "-i", (src / "debian/patches" / patch).string()}, src,
                        "Debian patch " + patch);
  }
}

std::string DebianSourceKmodProvider::cache_key(const std::string& version) {
  return cache_key_name("kmod-" + version, std::string(kLayoutVersion) + version);
}

std::vector<std::string> DebianSourceKmodProvider::source_versions(const std::string& showsrc_output) {
  static const std::regex kVersion(R"((?:^|\n)Version: (\S+))");
  std::vector<std::string> versions;
  for (std::sregex_iterator it(showsrc_output.begin(), showsrc_output.end(), kVersion), end; it != end; ++it)
    if (std::find(versions.begin(), versions.end(), (*it)[1].str()) == versions.end())
      versions.push_back((*it)[1].str());
  return versions;
}

std::string DebianSourceKmodProvider::resolve(const DebianSourceKmodSpec& spec) {
  const std::string described = "Debian source kmod " + spec.version;
  if (fs::is_directory(cache_.root() / "kmod" / cache_key(spec.version))) return described + " (built, cached)";
  const std::vector<std::string> argv = {"apt-cache", "showsrc", "kmod"};
  const ProcessResult r = runner_.run(argv, {.timeout = std::chrono::seconds(120)});
  const std::vector<std::string> known = source_versions(r.output);
  if (std::find(known.begin(), known.end(), spec.version) == known.end())
    throw UnknownInputError(spec.location + ": kmod '" + spec.name + "': apt knows no kmod source version '" +
                            spec.version +
                            "' (it knows: " + (known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", "))) +
                            ")\n  fix: use one of those, or add deb-src lines and run 'apt-get update' "
                            "(ci/setup-host.sh adds them)");
  return described + " (to be built)";
}

KmodArtifacts DebianSourceKmodProvider::prepare(const DebianSourceKmodSpec& spec) {
  const std::string key = cache_key(spec.version);
  const fs::path entry = cache_.ensure("kmod", key, [&](const fs::path& out) {
    spdlog::info("building kmod {} from Debian source (cached after the first run)", spec.version);
    const fs::path src = out / "src";
    fetch_and_unpack(spec.version, src);
    const KmodBuildSystem system = build_system_of(src);
    const fs::path rules = src / "debian/rules";
    if (!fs::exists(rules)) throw ImageError("kmod " + spec.version + ": the Debian source has no debian/rules");
    KmodBuildOptions options;
    try {
      options = options_from_debian_rules(read_file(rules), system);
    } catch (const std::runtime_error& e) {
      throw ImageError("kmod " + spec.version + ": " + e.what());
    }
    options.origin = "debian/rules of kmod " + spec.version + " (CONFFLAGS_deb)";
    build_kmod_tree(runner_, src, out, options);
    installed_kmod(key, out);  // fails the build when no binary was installed
    fs::remove_all(src);
    fs::remove_all(out / "download");
  });
  return installed_kmod(key, entry);
}

namespace {

DebianSourceKmodSpec read_debian_source_kmod(SourceTable& table) {
  DebianSourceKmodSpec k{table.name(), table.location()};
  k.version = table.required_string("version", "\"34.2-2\" (apt-cache showsrc kmod lists versions)");
  static const std::regex kDebianVersion("[0-9][A-Za-z0-9.+~:-]*");
  if (!std::regex_match(k.version, kDebianVersion))
    table.fail_at("version", "'" + k.version + "' is not a Debian version",
                  "write it as apt shows it, e.g. 30+20221128-1");
  return k;
}

}  // namespace

KmodSource DebianSourceKmodProvider::source() {
  return {{"debian-source", "\"debian-source\" (version = ...)", reader_of(read_debian_source_kmod)},
          [](const ProviderContext& ctx) { return std::make_unique<DebianSourceKmodProvider>(ctx.runner, ctx.cache); }};
}

}  // namespace kmx
