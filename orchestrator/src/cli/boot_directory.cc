#include "cli/boot_directory.h"

#include <unistd.h>

#include "os/files.h"
#include "run/run_matrix.h"

namespace kmx {
namespace fs = std::filesystem;

BootDirectory new_boot_directory(const fs::path& results, std::string_view prefix) {
  return boot_directory_at(results, std::string(prefix) + new_run_id(static_cast<int>(::getpid())));
}

BootDirectory boot_directory_at(const fs::path& results, const std::string& id) {
  return {id, fs::absolute(results) / id};
}

std::string create_boot_directory(Context& ctx, const BootDirectory& where, const fs::path& matrix_file) {
  fs::create_directories(where.dir);
  fs::create_directories(ctx.cache().root());
  if (!matrix_file.empty()) write_file_atomically(where.matrix_copy(), read_file(matrix_file));
  return sha256_file(where.matrix_copy());
}

void add_cache_option(CLI::App& command, ContextOptions& shared) {
  command.add_option("--cache", shared.cache, "cache directory (default: $KMX_CACHE or /var/cache/kmod-matrix)");
}

}  // namespace kmx
