// One boot as a guest can shape it: agent bytes, console bytes, how the VM
// ended. Input: <end byte><agent bytes>\0\0<console bytes>. Invariant: every
// requested test gets exactly one verdict or is left to run again.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "verdict/boot_classifier.h"
#include "verdict/hang_report.h"

using kmx::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto split = bytes.find(std::string_view("\0\0", 2));
  const std::string_view agent = bytes.substr(0, split);
  const std::string_view console = split == std::string_view::npos ? std::string_view() : bytes.substr(split + 2);

  kmx::BootRecord record;
  record.requested_tests = {"kmod:0001", "kmod:0002", "kmod:0003"};
  kmx::AgentStream stream(record.requested_tests);
  stream.feed(agent);
  stream.finish();
  record.agent = stream.log();
  record.console = std::string(console);
  record.end = static_cast<kmx::BootEnd>(data[0] % 9);  // through kHostLost
  record.planned_rounds = {{"kmod:0001", 150}};
  record.end_detail = "fuzzed end";

  const kmx::BootVerdicts result = kmx::classify_boot(record);
  for (const auto& test : record.requested_tests) {
    const auto decided = std::count_if(result.verdicts.begin(), result.verdicts.end(),
                                       [&](const kmx::TestVerdict& v) { return v.test == test; });
    const auto again = std::count(result.not_run.begin(), result.not_run.end(), test);
    require(decided + again == 1);
  }
  for (const auto& v : result.verdicts) {
    (void)kmx::test_details_json(v.details).dump();
    require(v.hang_dump.size() <= 2 * kmx::kMaxSysrqExcerptBytes);
  }
  return 0;
}
