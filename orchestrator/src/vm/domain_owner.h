// Who started a domain: this machine, this boot of it, this process. It
// travels in the domain's libvirt metadata, so that cleanup on a shared
// host destroys only the leftovers of dead processes of this machine and
// never another machine's domains (whose pids mean nothing here).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace kmx {

struct DomainOwner {
  std::string host_id;  // /etc/machine-id
  std::string boot_id;  // /proc/sys/kernel/random/boot_id
  int pid = 0;
  bool operator==(const DomainOwner&) const = default;
};

// The namespace URI of kmod-matrix's element in <metadata>.
inline constexpr std::string_view kOwnerNamespace = "https://kmod-matrix.dev/xmlns/owner/1";

// This process, on this machine, in this boot.
DomainOwner this_process_owner();

// <kmx:owner host='..' boot='..' pid='..'/>, for <metadata>.
std::string owner_metadata_xml(const DomainOwner& owner);
// The owner in what virDomainGetMetadata returns for kOwnerNamespace (the
// element, namespace dropped); nullopt when the text is not an owner
// element as kmod-matrix writes it (bounded, any text).
std::optional<DomainOwner> parse_owner_metadata(std::string_view xml);

enum class OwnerVerdict { kLive, kStale, kForeign };
// kStale: this machine's, and its process is gone (another boot, or a dead
// pid). kForeign: another machine's; never touched.
OwnerVerdict judge_owner(const DomainOwner& owner, const DomainOwner& me, const std::function<bool(int pid)>& alive);

}  // namespace kmx
