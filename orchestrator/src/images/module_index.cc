#include "images/module_index.h"

#include <set>
#include <sstream>

namespace kmx {
namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    fn(text.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

std::string ModuleIndex::module_name(std::string_view path) {
  auto slash = path.rfind('/');
  std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
  auto ko = base.find(".ko");
  if (ko != std::string::npos) base.resize(ko);
  for (char& c : base)
    if (c == '-') c = '_';
  return base;
}

ModuleIndex ModuleIndex::parse(std::string_view dep, std::string_view softdep, std::string_view alias) {
  ModuleIndex index;
  for_each_line(dep, [&](std::string_view line) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return;
    std::string path(line.substr(0, colon));
    index.path_by_name_[module_name(path)] = path;
    index.deps_by_path_[path] = words(line.substr(colon + 1));
  });
  // "softdep <name> pre: a b post: c"
  for_each_line(softdep, [&](std::string_view line) {
    auto w = words(line);
    if (w.size() < 3 || w[0] != "softdep") return;
    for (size_t i = 2; i < w.size(); ++i)
      if (w[i] != "pre:" && w[i] != "post:") index.softdeps_by_name_[module_name(w[1])].push_back(w[i]);
  });
  // "alias <pattern> <name>"; only exact (non-glob) aliases are used here.
  for_each_line(alias, [&](std::string_view line) {
    auto w = words(line);
    if (w.size() == 3 && w[0] == "alias") index.names_by_alias_[w[1]].push_back(module_name(w[2]));
  });
  return index;
}

std::vector<std::string> ModuleIndex::closure(const std::vector<std::string>& names,
                                              std::vector<std::string>& missing) const {
  std::vector<std::string> result;
  std::set<std::string> seen_paths;
  std::set<std::string> seen_names;
  // Requested names must exist; soft dependencies are optional by nature
  // (and often built in), so one that resolves to nothing is skipped.
  struct Wanted {
    std::string name;
    bool soft;
  };
  std::vector<Wanted> todo;
  for (auto it = names.rbegin(); it != names.rend(); ++it) todo.push_back({*it, false});
  auto add_path = [&](const std::string& path, auto& self) -> void {
    if (!seen_paths.insert(path).second) return;
    result.push_back(path);
    if (auto it = deps_by_path_.find(path); it != deps_by_path_.end())
      for (const auto& dep : it->second) self(dep, self);
    if (auto it = softdeps_by_name_.find(module_name(path)); it != softdeps_by_name_.end())
      for (const auto& soft : it->second) todo.push_back({soft, true});
  };
  while (!todo.empty()) {
    const auto [name, soft] = todo.back();
    todo.pop_back();
    std::string key = module_name(name);
    if (!seen_names.insert(key).second) continue;
    if (auto it = path_by_name_.find(key); it != path_by_name_.end()) {
      add_path(it->second, add_path);
    } else if (auto al = names_by_alias_.find(name); al != names_by_alias_.end()) {
      for (const auto& target : al->second) todo.push_back({target, soft});
    } else if (!soft) {
      missing.push_back(name);
    }
  }
  return result;
}

}  // namespace kmx
