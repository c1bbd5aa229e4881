// --shard K/N as a careless user or CI variable writes it. A crash, or an
// accepted spec outside 1 <= K <= N <= kMaxShards, or an error without its
// fix line, is a finding; an accepted spec must plan into exactly N shards.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "run/cell_shards.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto spec = kmx::parse_shard_spec(text, error);
  kmx::fuzz::require(spec.has_value() == error.empty());
  if (!spec) {
    kmx::fuzz::require(error.find("\n  fix: ") != std::string::npos);
    return 0;
  }
  kmx::fuzz::require(spec->index >= 1 && spec->index <= spec->count && spec->count <= kmx::kMaxShards);
  const auto plan = kmx::plan_shards({{"a", 3, false}, {"b", 2, false}, {"c", 2, false}}, spec->count);
  kmx::fuzz::require(plan.cells.size() == static_cast<std::size_t>(spec->count));
  return 0;
}
