// The agent channel as a guest can write it: any bytes, in any chunking.
// Invariants: only requested tests, in order; memory within the limits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "verdict/agent_stream.h"

using kmx::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;  // the first byte picks how reads split the stream
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::vector<std::string> requested = {"kmod:0001", "kmod:0002", "fault:panic"};
  kmx::AgentLimits limits;
  limits.max_kept_output_bytes = 4096;  // small, so the fuzzer reaches the tail path
  limits.tail_lines_per_test = 4;
  kmx::AgentStream stream(requested, limits);
  for (std::size_t pos = 0; pos < bytes.size(); pos += chunk) stream.feed(bytes.substr(pos, chunk));
  stream.finish();

  const kmx::AgentLog& log = stream.log();
  require(log.started.size() <= requested.size());
  for (std::size_t i = 0; i < log.started.size(); ++i) require(log.started[i] == requested[i]);
  for (const auto& [test, end] : log.ended) {
    require(std::find(log.started.begin(), log.started.end(), test) != log.started.end());
    require(end.duration_s >= 0 && end.duration_s <= kmx::AgentStream::kMaxDurationS);
  }
  std::size_t kept = 0;
  for (const auto& [test, out] : log.output) {
    kept += out.head.size();
    require(out.tail.size() <= limits.tail_lines_per_test);
    (void)out.lines();
  }
  require(kept * kmx::AgentLimits::kLineOverheadBytes <= limits.max_kept_output_bytes);
  require(log.garbage_samples.size() <= 5);
  for (const auto& [test, nonce] : log.begin_nonces) require(kmx::is_marker_nonce(nonce));
  (void)log.running_test();
  return 0;
}
