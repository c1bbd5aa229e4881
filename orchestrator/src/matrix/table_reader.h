// Reads one TOML table for the matrix parser and the sources' readers: the
// keys read are remembered, so a misspelt key is an error instead of being
// silently ignored. Internal to matrix/ (it exposes toml++).
#pragma once

#include <toml++/toml.h>
#include <optional>
#include <set>
#include <string>

#include "matrix/matrix.h"

namespace kmx {

// Edit distance of at most two: "vcpu" for "vcpus", "memroy_mib" for "memory_mib".
bool similar(std::string_view a, std::string_view b);

// "file:line:col" of a region.
std::string where(const std::string& file, const toml::source_region& region);

// The TOML document, or a MatrixError at the syntax error's place with the fix.
toml::table parse_toml(std::string_view text, const std::string& file);

// Reads one TOML table, remembering which keys were consumed so that a
// misspelt key is an error instead of being silently ignored.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string file, std::string context)
      : table_(table), file_(std::move(file)), context_(std::move(context)) {}

  // "file:line:col" of a node of this table.
  std::string location_of(const toml::node& node) const { return where(file_, node.source()); }

  [[noreturn]] void fail(const toml::node& node, const std::string& problem, const std::string& fix) const {
    throw MatrixError(where(file_, node.source()) + ": " + problem + "\n  fix: " + fix);
  }
  [[noreturn]] void fail_table(const std::string& problem, const std::string& fix) const { fail(table_, problem, fix); }

  // A required key is absent. A key not read yet and spelt like it is the
  // likelier mistake, so the error points there.
  [[noreturn]] void fail_missing(const std::string& key, const std::string& problem, const std::string& fix) const {
    for (const auto& [k, node] : table_)
      if (seen_.count(std::string(k.str())) == 0 && similar(k.str(), key))
        fail(node, "unknown key '" + std::string(k.str()) + "' in " + context_, "did you mean '" + key + "'?");
    fail_table(problem, fix);
  }

  const toml::node* get(const std::string& key) {
    seen_.insert(key);
    return table_.get(key);
  }

  std::optional<std::string> string(const std::string& key) {
    const toml::node* node = get(key);
    if (!node) return std::nullopt;
    if (!node->is_string())
      fail(*node, context_ + "." + key + " must be a string", "quote the value: " + key + " = \"...\"");
    return node->value<std::string>();
  }

  std::string required_string(const std::string& key, const std::string& example) {
    auto value = string(key);
    if (!value || value->empty()) fail_missing(key, context_ + " has no '" + key + "'", "add " + key + " = " + example);
    return *value;
  }

  std::optional<int> integer(const std::string& key, int min, int max, const std::string& unit) {
    const toml::node* node = get(key);
    if (!node) return std::nullopt;
    return checked_int(*node, context_ + "." + key, min, max, unit);
  }

  std::optional<bool> boolean(const std::string& key) {
    const toml::node* node = get(key);
    if (!node) return std::nullopt;
    if (!node->is_boolean()) fail(*node, context_ + "." + key + " must be true or false", "write " + key + " = false");
    return *node->value<bool>();
  }

  int checked_int(const toml::node& node, const std::string& what, int min, int max, const std::string& unit) const {
    if (!node.is_integer()) fail(node, what + " must be an integer", "write a whole number of " + unit);
    int64_t v = *node.value<int64_t>();
    if (v < min || v > max)
      fail(node, what + " = " + std::to_string(v) + " is out of range",
           "use " + std::to_string(min) + " to " + std::to_string(max) + " " + unit);
    return static_cast<int>(v);
  }

  const toml::array* array(const std::string& key) {
    const toml::node* node = get(key);
    if (!node) return nullptr;
    if (!node->is_array()) fail(*node, context_ + "." + key + " must be an array", "write " + key + " = [ ... ]");
    return node->as_array();
  }

  void reject_unknown_keys() const {
    for (const auto& [key, node] : table_) {
      if (seen_.count(std::string(key.str())) == 0) {
        std::string known;
        for (const auto& k : seen_) known += (known.empty() ? "" : ", ") + k;
        fail(node, "unknown key '" + std::string(key.str()) + "' in " + context_, "remove it or use one of: " + known);
      }
    }
  }

  const std::string& file() const { return file_; }
  // The node of a key, without counting it as read.
  const toml::node* find(const std::string& key) const { return table_.get(key); }

 private:
  const toml::table& table_;
  std::string file_;
  std::string context_;
  std::set<std::string> seen_;
};

}  // namespace kmx
