#include "os/capped_json.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace kmx {

int json_nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

nlohmann::json parse_capped_json(std::string_view text, const std::string& what, int max_depth) {
  if (json_nesting_depth(text, max_depth) > max_depth)
    throw CappedJsonError(what + " nests arrays or objects more than " + std::to_string(max_depth) +
                          " levels deep, which kmod-matrix never writes\n  fix: it is damaged or crafted; name a "
                          "file kmod-matrix wrote");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw CappedJsonError(what + " is not valid JSON (" + e.what() + ")\n  fix: name a file kmod-matrix wrote whole");
  }
}

nlohmann::json parse_capped_json_or_discard(std::string_view text, int max_depth) {
  if (json_nesting_depth(text, max_depth) > max_depth) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

int json_int(const nlohmann::json& object, const char* key, int fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->is_number_unsigned())
    return static_cast<int>(std::min<std::uint64_t>(it->get<std::uint64_t>(), std::numeric_limits<int>::max()));
  if (!it->is_number_integer()) return fallback;
  return static_cast<int>(std::clamp<std::int64_t>(it->get<std::int64_t>(), std::numeric_limits<int>::min(),
                                                   std::numeric_limits<int>::max()));
}

}  // namespace kmx
