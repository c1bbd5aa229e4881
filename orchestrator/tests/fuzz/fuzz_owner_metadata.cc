// The owner element a libvirt host returns for a domain's metadata: any
// host's, so any bytes. A crash, or an accepted owner with an empty or
// overlong id or a pid <= 0, is a finding; an accepted owner must survive
// writing and reading back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "vm/domain_owner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto owner = kmx::parse_owner_metadata(text);
  if (!owner) return 0;
  kmx::fuzz::require(!owner->host_id.empty() && owner->host_id.size() <= 64);
  kmx::fuzz::require(!owner->boot_id.empty() && owner->boot_id.size() <= 64);
  kmx::fuzz::require(owner->pid > 0);
  kmx::fuzz::require(kmx::parse_owner_metadata(kmx::owner_metadata_xml(*owner)) == owner);
  return 0;
}
