// What a kernel checks before it links a module, read from the ELF file:
// the vermagic string and the size of struct module (the
// .gnu.linkonce.this_module section). A test module built against a
// prepared tree must match the kernel's own modules in both, or every test
// would fail for a reason that has nothing to do with module loading.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "os/process_runner.h"

namespace kmx {

struct ModuleAbi {
  std::string vermagic;
  std::uint64_t struct_module_size = 0;
  bool operator==(const ModuleAbi&) const = default;
};

// From `readelf -SW -p .modinfo <module>`; fields not found stay empty/0.
ModuleAbi parse_module_abi(const std::string& readelf_output);

// Reads a module file, .ko or compressed (.ko.xz, .ko.zst, .ko.gz), using
// scratch_dir for a decompressed copy it removes again. Throws ImageError.
ModuleAbi read_module_abi(ProcessRunner& runner, const std::filesystem::path& module,
                          const std::filesystem::path& scratch_dir);

// The first module (in path order) under <modules_dir>/kernel, or empty.
std::filesystem::path first_shipped_module(const std::filesystem::path& modules_dir);

// Throws ImageError naming both sides when `built` differs from `shipped`.
void require_same_module_abi(const ModuleAbi& built, const ModuleAbi& shipped, const std::string& release,
                             const std::filesystem::path& shipped_module);

}  // namespace kmx
