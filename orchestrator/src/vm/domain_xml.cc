#include "vm/domain_xml.h"

#include <sstream>

namespace kmx {

std::string_view to_string(Accel accel) { return accel == Accel::kKvm ? "kvm" : "tcg"; }

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string domain_xml(const VmSpec& spec) {
  const bool kvm = spec.accel == Accel::kKvm;
  std::ostringstream x;
  x << "<domain type='" << (kvm ? "kvm" : "qemu") << "'>\n"
    << "  <name>" << xml_escape(spec.name) << "</name>\n"
    << "  <memory unit='MiB'>" << spec.memory_mib << "</memory>\n"
    << "  <vcpu>" << spec.vcpus << "</vcpu>\n"
    << "  <os>\n"
    << "    <type arch='x86_64' machine='pc'>hvm</type>\n"
    << "    <kernel>" << xml_escape(spec.kernel.string()) << "</kernel>\n"
    << "    <initrd>" << xml_escape(spec.initrd.string()) << "</initrd>\n"
    << "    <cmdline>" << xml_escape(spec.cmdline) << "</cmdline>\n"
    << "  </os>\n"
    << "  <features><acpi/></features>\n";
  if (kvm) x << "  <cpu mode='host-passthrough'/>\n";
  x << "  <on_poweroff>destroy</on_poweroff>\n"
    << "  <on_reboot>destroy</on_reboot>\n"
    << "  <on_crash>destroy</on_crash>\n"
    << "  <devices>\n"
    << "    <serial type='file'><source path='" << xml_escape(spec.console_log.string())
    << "'/><target port='0'/></serial>\n"
    << "    <serial type='file'><source path='" << xml_escape(spec.agent_log.string())
    << "'/><target port='1'/></serial>\n"
    << "    <controller type='usb' model='none'/>\n"
    << "    <memballoon model='none'/>\n"
    << "  </devices>\n"
    << "</domain>\n";
  return x.str();
}

}  // namespace kmx
