#include "images/tree_identity.h"

#include <sstream>

#include "os/files.h"

namespace kmx {
namespace fs = std::filesystem;

std::string tree_identity(ProcessRunner& runner, const fs::path& tree) {
  if (fs::exists(tree / ".git")) {
    ProcessResult head = runner.run({"git", "-C", tree.string(), "rev-parse", "HEAD"});
    ProcessResult diff = runner.run({"git", "-C", tree.string(), "diff", "HEAD"});
    if (head.ok() && diff.ok()) return "git:" + head.output + sha256_hex(diff.output);
  }
  std::ostringstream listing;
  for (auto it = fs::recursive_directory_iterator(tree); it != fs::recursive_directory_iterator(); ++it) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    listing << fs::relative(it->path(), tree).string() << ' ' << it->file_size() << ' '
            << it->last_write_time().time_since_epoch().count() << '\n';
  }
  return "files:" + sha256_hex(listing.str());
}

}  // namespace kmx
