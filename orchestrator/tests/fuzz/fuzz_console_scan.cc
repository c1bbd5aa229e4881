// The kernel console as a guest can make it: any bytes. Invariants: at most
// one finding of each kind per segment, segments only for reported markers.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "verdict/console_scan.h"

using kmx::fuzz::require;

namespace {

void check(const kmx::ConsoleFindings& findings) {
  std::set<kmx::ConsoleEventKind> kinds;
  for (const auto& f : findings) require(kinds.insert(f.kind).second);  // the first of each kind only
  for (const auto& f : findings) {
    require(f.line.size() <= 306);  // sanitize_guest_text: 300, one escape past it, "..."
    for (char c : f.line) require(c >= 0x20 && c < 0x7f);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::map<std::string, std::string> nonces = {{"kmod:0001", "0123456789abcdef"},
                                                     {"kmod:0002", "fedcba9876543210"}};
  const kmx::ConsoleReport report =
      kmx::scan_console(std::string_view(reinterpret_cast<const char*>(data), size), nonces);
  check(report.before_tests);
  check(report.whole);
  for (const auto& [test, findings] : report.per_test) {
    require(nonces.count(test) == 1);
    check(findings);
  }
  return 0;
}
