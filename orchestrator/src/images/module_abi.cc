#include "images/module_abi.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "images/image_step.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

constexpr const char* kThisModule = ".gnu.linkonce.this_module";
constexpr const char* kVermagic = "vermagic=";

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// The command that writes the module uncompressed to stdout, by suffix.
std::vector<std::string> decompressor(const fs::path& module) {
  const std::string ext = module.extension().string();
  if (ext == ".xz") return {"xz", "-dc", module.string()};
  if (ext == ".zst") return {"zstd", "-dcq", module.string()};
  if (ext == ".gz") return {"gzip", "-dc", module.string()};
  return {};
}

}  // namespace

ModuleAbi parse_module_abi(const std::string& readelf_output) {
  ModuleAbi abi;
  std::istringstream in(readelf_output);
  for (std::string line; std::getline(in, line);) {
    if (auto at = line.find(kVermagic); at != std::string::npos && abi.vermagic.empty()) {
      abi.vermagic = line.substr(at + std::string(kVermagic).size());
      continue;
    }
    // "  [14] .gnu.linkonce.this_module PROGBITS 0000000000000000 0000c0 000500 00  WA ..."
    // ("[ 5]" splits into two words, so the name is found, not counted to).
    const auto words = words_of(line);
    const auto name = std::find(words.begin(), words.end(), kThisModule);
    if (name != words.end() && words.end() - name > 4) {
      try {
        abi.struct_module_size = std::stoull(*(name + 4), nullptr, 16);
      } catch (const std::exception&) {
        abi.struct_module_size = 0;
      }
    }
  }
  return abi;
}

ModuleAbi read_module_abi(ProcessRunner& runner, const fs::path& module, const fs::path& scratch_dir) {
  fs::path elf = module;
  if (auto argv = decompressor(module); !argv.empty()) {
    elf = scratch_dir / module.stem();
    run_image_step(runner, argv, {.timeout = std::chrono::seconds(120), .output_file = elf},
                   "decompressing " + module.string());
  }
  const std::vector<std::string> argv = {"readelf", "-SW", "-p", ".modinfo", elf.string()};
  const ProcessResult r =
      run_image_step(runner, argv, {.timeout = std::chrono::seconds(60)}, "reading " + module.string());
  if (elf != module) fs::remove(elf);  // the decompressed copy has served
  const ModuleAbi abi = parse_module_abi(r.output);
  if (abi.vermagic.empty() || abi.struct_module_size == 0)
    throw ImageError(module.string() + " has no vermagic or no " + kThisModule + " section: not a kernel module?");
  return abi;
}

fs::path first_shipped_module(const fs::path& modules_dir) {
  std::vector<fs::path> modules;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(modules_dir / "kernel", ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename().string().find(".ko") != std::string::npos && it->is_regular_file())
      modules.push_back(it->path());
  if (modules.empty()) return {};
  return *std::min_element(modules.begin(), modules.end());
}

void require_same_module_abi(const ModuleAbi& built, const ModuleAbi& shipped, const std::string& release,
                             const fs::path& shipped_module) {
  if (built == shipped) return;
  throw ImageError(fmt::format(
      "test modules built for {} would be refused by the kernel: vermagic '{}' and struct module of {} bytes, "
      "but the kernel's own {} has '{}' and {} bytes\n  fix: the module build tree must come from this kernel's "
      ".config (see config-changes.txt in its build tree for what the host compiler changed)",
      release, built.vermagic, built.struct_module_size, shipped_module.filename().string(), shipped.vermagic,
      shipped.struct_module_size));
}

}  // namespace kmx
