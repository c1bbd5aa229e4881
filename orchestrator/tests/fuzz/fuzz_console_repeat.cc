// One console line made of a fuzzed fragment repeated to megabytes: what a
// test writing raw to ttyS0 can make. Plain console_scan fuzzing, bounded by
// -max_len, never reaches lines long enough for a superlinear scan to show
// (issue 25: repeated "WARNING:" was quadratic). A slow input is a finding:
// ci/fuzz.sh runs this target with -timeout, and a linear scan of a few MiB
// takes a small fraction of it even under the sanitizers.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "verdict/boot_classifier.h"
#include "verdict/console_scan.h"

using kmx::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // The first byte picks the line's length (256 KiB steps up to 4 MiB), the
  // rest (at most 256 bytes) is the fragment.
  const std::size_t length = (std::size_t{data[0]} % 16 + 1) << 18;
  const std::string_view fragment(reinterpret_cast<const char*>(data) + 1, size - 1 > 256 ? 256 : size - 1);
  std::string line;
  line.reserve(length + fragment.size());
  while (line.size() < length) line += fragment;
  const std::map<std::string, std::string> nonces = {{"kmod:0001", "0123456789abcdef"}};
  const kmx::ConsoleReport report = kmx::scan_console(line, nonces);
  require(report.lines >= 1);
  for (const auto& f : report.whole) require(f.line.size() <= 306);
  kmx::BootRecord record;
  record.requested_tests = {"kmod:0001"};
  record.console = line;
  record.end = kmx::BootEnd::kTestTimeout;
  kmx::classify_boot(record);
  return 0;
}
