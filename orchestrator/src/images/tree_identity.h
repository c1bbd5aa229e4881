// Identity of a source tree (kernel or kmod) for cache keys, without
// reading every file: git's HEAD and diff when it is a checkout, else every
// file's path, size and mtime.
#pragma once

#include <filesystem>
#include <string>

#include "os/process_runner.h"

namespace kmx {

std::string tree_identity(ProcessRunner& runner, const std::filesystem::path& tree);

}  // namespace kmx
