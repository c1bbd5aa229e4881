// results.json as a crafted file can make it (a run's own, a merged or an
// imported one): read as read_run_result reads it. Invariants: no crash or
// stack overflow, only std::runtime_error for bad input, and what is read
// names no path outside the run and no name that is not one.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "os/capped_json.h"
#include "run_invariants.h"
#include "store/results_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const kmx::RunResult run = kmx::run_result_from_json(kmx::parse_capped_json(text, "results.json"));
    kmx::fuzz::check_read_back(run);
    kmx::to_json(run).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
