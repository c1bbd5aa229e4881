// Builds the kernel's own test modules (lib/test_kmod.c, lib/test_module.c)
// and kmod-matrix's (images/modules/) out of tree against a kernel's build
// directory; cached per kernel and sources.
#pragma once

#include <filesystem>

#include "images/artifacts.h"
#include "images/cache_dir.h"
#include "os/process_runner.h"

namespace kmx {

// Returns a directory holding every built .ko.
std::filesystem::path build_test_modules(ProcessRunner& runner, CacheDir& cache, const KernelArtifacts& kernel,
                                         const std::filesystem::path& our_modules);

}  // namespace kmx
