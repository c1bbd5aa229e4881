// cells.jsonl as a crafted file can make it, over an empty results.json, as
// read_run_result applies it. Invariants: no crash, only std::runtime_error,
// and the run read back obeys what every reader of run files guarantees.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "run_invariants.h"
#include "store/cell_journal.h"
#include "store/results_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto lines = kmx::CellJournal::parse(text);
  for (const auto& line : lines) kmx::fuzz::require(line.is_object());
  try {
    kmx::fuzz::check_read_back(kmx::run_result_from_json(nlohmann::json::object(), lines));
  } catch (const std::runtime_error&) {
  }
  return 0;
}
