// What every command that boots (run, bisect, bisect-step, boundary) makes
// before its first VM, made in one place: an id, its directory under
// --results, the copy of the matrix it runs (matrix.toml), the cache root.
// RunSetup takes the same BootDirectory for its accelerator probe.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <string_view>

#include "cli/context.h"

namespace kmx {

// The matrix as a command ran it, inside its directory: what --resume and
// the reports read, whatever happened to the original since.
inline constexpr const char* kMatrixCopy = "matrix.toml";

struct BootDirectory {
  std::string id;             // <prefix><run id>, e.g. bisect-20261207-031500-4242
  std::filesystem::path dir;  // <results>/<id>, absolute

  std::filesystem::path matrix_copy() const { return dir / kMatrixCopy; }
  std::filesystem::path accel_probe_dir() const { return dir / "accel-probe"; }
};

// A new id for this process (run/run_matrix.h new_run_id) with its prefix
// ("" for run, "bisect-", "bisect-step-", "boundary-").
BootDirectory new_boot_directory(const std::filesystem::path& results, std::string_view prefix);

// An existing one, e.g. a run or bisection being resumed.
BootDirectory boot_directory_at(const std::filesystem::path& results, const std::string& id);

// Creates the directory and the cache root and, unless matrix_file is empty
// (a resumed run keeps the copy it has), copies matrix_file to matrix.toml.
// Returns the sha256 of the matrix copy.
std::string create_boot_directory(Context& ctx, const BootDirectory& where, const std::filesystem::path& matrix_file);

// --cache: every command that reads or fills the cache declares it so.
void add_cache_option(CLI::App& command, ContextOptions& shared);

}  // namespace kmx
