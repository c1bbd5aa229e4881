// One [[kernel]] or [[kmod]] table as a source's reader sees it: getters that
// remember which keys were read (every other key is an error) and what they
// said (the record in results.json), and errors that point at file:line:col
// and say how to fix them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kmx {

class TableReader;

class SourceTable {
 public:
  SourceTable(TableReader& reader, std::string name, std::string location, std::filesystem::path matrix_dir)
      : reader_(reader), name_(std::move(name)), location_(std::move(location)), matrix_dir_(std::move(matrix_dir)) {}

  const std::string& name() const { return name_; }
  const std::string& location() const { return location_; }

  std::optional<std::string> string(const std::string& key);
  // Absent or empty: an error whose fix reads "add KEY = EXAMPLE".
  std::string required_string(const std::string& key, const std::string& example);
  // A path relative to the matrix file's directory, made absolute.
  std::filesystem::path required_path(const std::string& key, const std::string& example);
  // An array of such paths; a non-string entry fails with `entry_problem`.
  std::optional<std::vector<std::filesystem::path>> paths(const std::string& key, const std::string& entry_problem,
                                                          const std::string& entry_fix);
  // An error at the value of `key` (which must be present).
  [[noreturn]] void fail_at(const std::string& key, const std::string& problem, const std::string& fix) const;

  const std::vector<std::pair<std::string, std::string>>& record() const { return record_; }

 private:
  TableReader& reader_;
  std::string name_;
  std::string location_;
  std::filesystem::path matrix_dir_;
  std::vector<std::pair<std::string, std::string>> record_;
};

}  // namespace kmx
