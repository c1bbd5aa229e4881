// JSON read back from files a run, a shard or a bisection left behind
// (results.json, cells.jsonl, bisect.json, shard.json), parsed as crafted
// input: nesting is checked first in one linear pass, since the library's
// copies, dumps and destruction of a value recurse once per level and a few
// hundred kilobytes of brackets would overflow the stack.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kmx {

// Deeper than anything kmod-matrix writes (results.json: about 8 levels).
inline constexpr int kMaxJsonDepth = 64;

// Thrown for text that is not JSON, or nested deeper than allowed; what()
// names the file (`what`) and the fix.
class CappedJsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The deepest nesting of arrays and objects in text, counting no bracket
// inside a string; linear, no allocation. Stops counting past `limit`.
int json_nesting_depth(std::string_view text, int limit);

// text as JSON, when it nests at most max_depth deep.
nlohmann::json parse_capped_json(std::string_view text, const std::string& what, int max_depth = kMaxJsonDepth);

// The same, or a discarded value (is_discarded()) instead of an exception:
// for line formats where one bad line is skipped.
nlohmann::json parse_capped_json_or_discard(std::string_view text, int max_depth = kMaxJsonDepth);

// object[key] as an int: `fallback` when object is not an object, or the key
// is absent or not an integer (a float such as 2e52 would be undefined
// behaviour through json::value<int>), clamped to int's range.
int json_int(const nlohmann::json& object, const char* key, int fallback);

}  // namespace kmx
