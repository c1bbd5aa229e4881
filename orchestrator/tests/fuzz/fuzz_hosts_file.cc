// A hosts file (--hosts) as a user writes it, or mistypes it. A crash, an
// exception other than MatrixError, an error without its place and fix, or
// an accepted host whose URI uri_problem() refuses is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "matrix/host_list.h"
#include "matrix/matrix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto hosts = kmx::host_list({}, kmx::parse_hosts_file(text, "hosts.toml"));
    kmx::fuzz::require(!hosts.empty());
    for (const auto& h : hosts) {
      kmx::fuzz::require(kmx::uri_problem(h.uri).empty());
      kmx::fuzz::require(h.cpus >= 0 && h.memory_mib >= 0);
    }
  } catch (const kmx::MatrixError& e) {
    const std::string message = e.what();
    kmx::fuzz::require(message.rfind("hosts.toml", 0) == 0 || message.rfind("libvirt host", 0) == 0);
    kmx::fuzz::require(message.find("\n  fix: ") != std::string::npos);
  }
  return 0;
}
