// The kernel's module index files (modules.dep, modules.softdep,
// modules.alias) parsed, and the closure of modules a set of names needs.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kmx {

class ModuleIndex {
 public:
  // Texts of modules.dep, modules.softdep and modules.alias as depmod wrote them.
  static ModuleIndex parse(std::string_view modules_dep, std::string_view modules_softdep,
                           std::string_view modules_alias);

  // "fs/xfs/xfs.ko.xz" -> "xfs"; dashes become underscores as in the kernel.
  static std::string module_name(std::string_view path);

  // Paths (relative to lib/modules/<release>) of the named modules or
  // aliases, their hard dependencies and softdeps, in a stable order.
  // Requested names that resolve to nothing are returned in `missing`;
  // softdeps that do (built in, or absent) are skipped.
  std::vector<std::string> closure(const std::vector<std::string>& names, std::vector<std::string>& missing) const;

 private:
  std::map<std::string, std::string> path_by_name_;
  std::map<std::string, std::vector<std::string>> deps_by_path_;
  std::map<std::string, std::vector<std::string>> softdeps_by_name_;
  std::map<std::string, std::vector<std::string>> names_by_alias_;
};

}  // namespace kmx
