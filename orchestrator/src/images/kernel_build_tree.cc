#include "images/kernel_build_tree.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "images/image_step.h"
#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

constexpr const char* kHostLoader = "/lib64/ld-linux-x86-64.so.2";

bool is_elf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::string(magic, 4) ==
                                  "\x7f"
                                  "ELF";
}

bool is_executable(const fs::directory_entry& e) {
  std::error_code ec;
  if (!e.is_regular_file(ec)) return false;
  return (e.status(ec).permissions() & fs::perms::owner_exec) != fs::perms::none;
}

// The host programs kbuild runs from the tree (fixdep, modpost, objtool...).
std::vector<fs::path> host_programs(const fs::path& headers_dir) {
  std::vector<fs::path> found;
  for (const char* top : {"scripts", "tools"}) {
    std::error_code ec;
    fs::recursive_directory_iterator it(headers_dir / top, fs::directory_options::follow_directory_symlink, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (is_executable(*it) && is_elf(it->path())) found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string unquote(const std::string& value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') return value.substr(1, value.size() - 2);
  return value;
}

std::string first_line_with(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) return line;
  return {};
}

}  // namespace

std::map<std::string, std::string> parse_kconfig(const std::string& config_text) {
  static const std::regex kSet(R"(^(CONFIG_\w+)=(.*)$)");
  static const std::regex kUnset(R"(^# (CONFIG_\w+) is not set$)");
  std::map<std::string, std::string> options;
  std::istringstream in(config_text);
  std::smatch m;
  for (std::string line; std::getline(in, line);) {
    if (std::regex_match(line, m, kSet))
      options[m[1]] = m[2];
    else if (std::regex_match(line, m, kUnset))
      options[m[1]] = "n";
  }
  return options;
}

std::vector<std::string> kconfig_changes(const std::map<std::string, std::string>& before,
                                         const std::map<std::string, std::string>& after) {
  std::set<std::string> names;
  for (const auto& [name, value] : before) names.insert(name);
  for (const auto& [name, value] : after) names.insert(name);
  auto value_in = [](const std::map<std::string, std::string>& options, const std::string& name) {
    auto it = options.find(name);
    return it == options.end() ? std::string("n") : it->second;
  };
  std::vector<std::string> changes;
  for (const auto& name : names) {
    const std::string from = value_in(before, name), to = value_in(after, name);
    if (from != to) changes.push_back(name + " " + from + " -> " + to);
  }
  return changes;
}

std::string headers_unusable_reason(ProcessRunner& runner, const fs::path& headers_dir) {
  if (!fs::exists(headers_dir / ".config")) return "it has no .config";
  const auto config = parse_kconfig(read_file(headers_dir / ".config"));
  if (auto it = config.find("CONFIG_CC_VERSION_TEXT"); it != config.end()) {
    std::istringstream words(unquote(it->second));
    std::string compiler;
    words >> compiler;
    const std::vector<std::string> argv = {"sh", "-c", "command -v \"$1\"", "sh", compiler};
    if (!compiler.empty() && !runner.run(argv, {.timeout = std::chrono::seconds(30)}).ok())
      return "its compiler " + compiler + " is not installed on this host";
  }
  for (const auto& program : host_programs(headers_dir)) {
    // The loader lists what the program needs without running it; a missing
    // symbol version (GLIBC_2.38 on a 2.36 host) shows as "not found".
    const std::vector<std::string> argv = {kHostLoader, "--list", program.string()};
    const ProcessResult r = runner.run(argv, {.timeout = std::chrono::seconds(30)});
    const std::string missing = first_line_with(r.output, "not found");
    if (!missing.empty() || !r.start_error.empty())
      return fs::relative(program, headers_dir).string() + " does not load here (" +
             (missing.empty() ? r.start_error : missing.substr(missing.find_first_not_of(" \t"))) + ")";
  }
  return {};
}

void prepare_build_tree_from_source(ProcessRunner& runner, const BuildTreeRequest& request) {
  for (const char* needed : {".config", "Module.symvers"})
    if (!fs::exists(request.headers_dir / needed))
      throw ImageError(request.headers_dir.string() + " has no " + needed +
                       ", so no module build tree can be prepared for " + request.release +
                       "\n  fix: use the build-dir or source kernel provider for this kernel");
  const fs::path src = request.work_dir / "linux";
  const fs::path obj = request.work_dir / "obj";
  fs::create_directories(src);
  fs::create_directories(obj);

  spdlog::info("unpacking {}", request.source_tarball.filename().string());
  std::vector<std::string> argv = {"tar", "-xJf",       request.source_tarball.string(),
                                   "-C",  src.string(), "--strip-components=1"};
  run_image_step(runner, argv, {.timeout = std::chrono::seconds(900)}, "unpacking " + request.source_tarball.string());
  // The kernel's own packer of module build trees (what its deb-pkg and
  // rpm-pkg headers use); older kernels lack it.
  if (!fs::exists(src / "scripts/package/install-extmod-build"))
    throw ImageError("linux-source for " + request.release +
                     " has no scripts/package/install-extmod-build, so no module build tree can be packed from it"
                     "\n  fix: use the build-dir or source kernel provider for this kernel");

  const std::string kernel_config = read_file(request.headers_dir / ".config");
  write_file_atomically(obj / ".config", kernel_config);
  const std::vector<std::string> make = {"make", "-C", src.string(), "O=" + obj.string(),
                                         "KERNELRELEASE=" + request.release};
  argv = make;
  argv.push_back("olddefconfig");
  run_image_step(runner, argv, {.timeout = std::chrono::seconds(300)}, "configuring " + request.release);
  const auto host_config = parse_kconfig(read_file(obj / ".config"));
  const auto changes = kconfig_changes(parse_kconfig(kernel_config), host_config);
  const auto compiler = host_config.find("CONFIG_CC_VERSION_TEXT");

  spdlog::info("make modules_prepare for {} with the host compiler", request.release);
  argv = make;
  argv.insert(argv.end(), {parallel_jobs_flag(), "modules_prepare"});
  run_image_step(runner, argv, {.timeout = std::chrono::seconds(1800)}, "make modules_prepare for " + request.release);
  fs::copy_file(request.headers_dir / "Module.symvers", obj / "Module.symvers", fs::copy_options::overwrite_existing);

  argv = {"make", "-C", obj.string(), "run-command",
          "KBUILD_RUN_COMMAND=$(srctree)/scripts/package/install-extmod-build " + request.out_dir.string()};
  run_image_step(runner, argv, {.timeout = std::chrono::seconds(300)}, "packing the module build tree");

  std::string listed;
  for (const auto& line : changes) listed += line + "\n";
  write_file_atomically(request.out_dir / "config-changes.txt", listed);
  write_file_atomically(
      request.out_dir / kBuildTreeOriginFile,
      "prepared from " + request.source_tarball.filename().string() + " with " +
          (compiler == host_config.end() ? std::string("the host compiler") : unquote(compiler->second)) + "; " +
          std::to_string(changes.size()) + " Kconfig options differ from the kernel's");
  spdlog::info(
      "module build tree for {} ready; {} Kconfig options differ for the host compiler "
      "(listed in config-changes.txt of the build tree)",
      request.release, changes.size());
  fs::remove_all(request.work_dir);
}

}  // namespace kmx
