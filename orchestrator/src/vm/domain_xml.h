// libvirt domain XML for a test VM: transient, direct kernel boot, no
// network, two serial ports to files, destroyed on poweroff, reboot or crash.
#pragma once

#include <string>

#include "vm/vm_driver.h"

namespace kmx {

std::string domain_xml(const VmSpec& spec);
std::string xml_escape(std::string_view text);

}  // namespace kmx
