// merge's walk of a shard's cell directory over a tree the fuzzer builds in
// a scratch directory: directories, files, symlinks to a secret file and
// directory outside the shard and to places inside it, FIFOs, or the cell
// directory itself a symlink. Input: records of <op byte><name byte>.
// Invariants (issue 25): the merged run holds no symlink, no FIFO, and no
// byte of anything outside the shard; merge neither blocks nor throws.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "analysis/run_merge.h"
#include "fuzz_check.h"
#include "os/files.h"

using kmx::fuzz::require;
namespace fs = std::filesystem;

namespace {

constexpr const char* kCell = "k1.kmod-30.1cpu.512M";
constexpr const char* kSecret = "SECRET BYTES\n";

// Builds the tree the input describes in shard/cells/<kCell>.
void build(const fs::path& root, const uint8_t* data, size_t size) {
  const fs::path cell = root / "shard/cells" / kCell;
  if (size > 0 && data[0] == 0xff) {  // the cell directory itself leads out
    fs::create_directories(cell.parent_path());
    fs::create_directory_symlink(root / "outside", cell);
    return;
  }
  fs::create_directories(cell);
  fs::path here = cell;
  for (size_t i = 0; i + 1 < size && i < 256; i += 2) {
    const std::string name = "n" + std::to_string(data[i + 1] % 8);
    const fs::path at = here / name;
    std::error_code ec;
    if (fs::symlink_status(at, ec).type() != fs::file_type::not_found) continue;
    switch (data[i] % 7) {
      case 0:
        fs::create_directory(at, ec);
        if (!ec) here = at;  // later records go inside it
        break;
      case 1:
        kmx::write_file_atomically(at, "log\n");
        break;
      case 2:
        fs::create_symlink(root / "outside/secret", at, ec);
        break;
      case 3:
        fs::create_directory_symlink(root / "outside", at, ec);
        break;
      case 4:
        ::mkfifo(at.c_str(), 0600);
        break;
      case 5:
        fs::create_symlink(cell, at, ec);  // a loop back to the cell
        break;
      case 6:
        if (here != cell) here = here.parent_path();
        break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fs::path root = fs::temp_directory_path() / ("kmx-fuzz-merge-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "outside");
  kmx::write_file_atomically(root / "outside/secret", kSecret);
  build(root, data, size);

  kmx::MergedRun merged;
  merged.cell_dirs.emplace_back(kCell, root / "shard");
  const fs::path out = root / "merged";
  kmx::assemble_merged_dir(merged, "name = \"m\"\n", out);
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    const auto status = entry.symlink_status();
    require(fs::is_directory(status) || fs::is_regular_file(status));
    if (fs::is_regular_file(status)) require(kmx::read_file(entry.path()) != kSecret);
  }
  fs::remove_all(root);
  return 0;
}
