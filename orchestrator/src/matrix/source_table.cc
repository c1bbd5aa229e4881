#include "matrix/source_table.h"

#include "matrix/source_readers.h"
#include "matrix/table_reader.h"

namespace kmx {

std::optional<std::string> SourceTable::string(const std::string& key) {
  auto value = reader_.string(key);
  if (value) record_.emplace_back(key, *value);
  return value;
}

std::string SourceTable::required_string(const std::string& key, const std::string& example) {
  std::string value = reader_.required_string(key, example);
  record_.emplace_back(key, value);
  return value;
}

std::filesystem::path SourceTable::required_path(const std::string& key, const std::string& example) {
  std::filesystem::path path = std::filesystem::absolute(matrix_dir_ / reader_.required_string(key, example));
  record_.emplace_back(key, path.string());
  return path;
}

std::optional<std::vector<std::filesystem::path>> SourceTable::paths(const std::string& key,
                                                                     const std::string& entry_problem,
                                                                     const std::string& entry_fix) {
  const toml::array* entries = reader_.array(key);
  if (!entries) return std::nullopt;
  std::vector<std::filesystem::path> paths;
  for (const auto& node : *entries) {
    if (!node.is_string()) reader_.fail(node, entry_problem, entry_fix);
    paths.push_back(std::filesystem::absolute(matrix_dir_ / *node.value<std::string>()));
  }
  return paths;
}

void SourceTable::fail_at(const std::string& key, const std::string& problem, const std::string& fix) const {
  const toml::node* node = reader_.find(key);
  if (!node) reader_.fail_table(problem, fix);
  reader_.fail(*node, problem, fix);
}

std::string usage_list(const std::vector<SourceReader>& readers) {
  std::string list;
  for (std::size_t i = 0; i < readers.size(); ++i)
    list += (i == 0 ? "" : i + 1 == readers.size() ? " or " : ", ") + readers[i].usage;
  return list;
}

}  // namespace kmx
