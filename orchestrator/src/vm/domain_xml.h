// libvirt domain XML for a test VM: transient, direct kernel boot, no
// network, two serial ports, destroyed on poweroff, reboot or crash, and
// the owner in its metadata.
#pragma once

#include <string>

#include "vm/domain_owner.h"
#include "vm/vm_driver.h"

namespace kmx {

// Where the host finds what the domain needs.
struct DomainPlacement {
  std::string kernel;  // a path on the libvirt host
  std::string initrd;
  // Local host: the serial ports write the spec's log files. A remote one
  // shares no file: the ports are ptys read over libvirt streams.
  bool serial_to_files = true;
  DomainOwner owner;
};

// The placement of a local host: the spec's own paths, ports to files.
DomainPlacement local_placement(const VmSpec& spec, const DomainOwner& owner);

std::string domain_xml(const VmSpec& spec, const DomainPlacement& where);

}  // namespace kmx
