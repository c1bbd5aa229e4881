// bisect.json as a crafted file can make it, as `bisect --resume` reads it.
// Invariants: no crash, only std::runtime_error for bad input, and a state
// read back carries nothing git could take for an option and no bisect id
// that leaves its directory.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "bisect/bisect_state.h"
#include "fuzz_check.h"
#include "matrix/matrix.h"
#include "os/capped_json.h"

using kmx::fuzz::require;

namespace {

bool full_hash(const std::string& s) {
  return (s.size() == 40 || s.size() == 64) && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const kmx::BisectState st = kmx::bisect_state_from_json(kmx::parse_capped_json(text, "bisect.json"));
    require(kmx::name_problem(st.bisect_id).empty());
    require(full_hash(st.old_commit) && full_hash(st.new_commit));
    require(st.commit.empty() || full_hash(st.commit));
    for (const auto& step : st.steps) require(full_hash(step.commit));
    for (const auto& c : st.range) require(full_hash(c));
    kmx::render_bisect_log(st);
    kmx::render_bisect_summary(st, "bisect.json");
  } catch (const std::runtime_error&) {
  } catch (const nlohmann::json::exception&) {  // a mistyped field: load_bisect_state names the file
  }
  return 0;
}
