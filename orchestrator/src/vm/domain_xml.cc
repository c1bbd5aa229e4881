#include "vm/domain_xml.h"

#include <sstream>

#include "text/text_escape.h"

namespace kmx {

std::string_view to_string(Accel accel) { return accel == Accel::kKvm ? "kvm" : "tcg"; }

namespace {

std::string serial(const DomainPlacement& where, const std::filesystem::path& log, int port) {
  const std::string target = "<target port='" + std::to_string(port) + "'/>";
  if (!where.serial_to_files) return "    <serial type='pty'>" + target + "</serial>\n";
  return "    <serial type='file'><source path='" + escape_markup(log.string()) + "'/>" + target + "</serial>\n";
}

}  // namespace

DomainPlacement local_placement(const VmSpec& spec, const DomainOwner& owner) {
  return {spec.kernel.string(), spec.initrd.string(), true, owner};
}

std::string domain_xml(const VmSpec& spec, const DomainPlacement& where) {
  const bool kvm = spec.accel == Accel::kKvm;
  std::ostringstream x;
  x << "<domain type='" << (kvm ? "kvm" : "qemu") << "'>\n"
    << "  <name>" << escape_markup(spec.name) << "</name>\n"
    << "  <metadata>" << owner_metadata_xml(where.owner) << "</metadata>\n"
    << "  <memory unit='MiB'>" << spec.memory_mib << "</memory>\n"
    << "  <vcpu>" << spec.vcpus << "</vcpu>\n"
    << "  <os>\n"
    << "    <type arch='x86_64' machine='pc'>hvm</type>\n"
    << "    <kernel>" << escape_markup(where.kernel) << "</kernel>\n"
    << "    <initrd>" << escape_markup(where.initrd) << "</initrd>\n"
    << "    <cmdline>" << escape_markup(spec.cmdline) << "</cmdline>\n"
    << "  </os>\n"
    << "  <features><acpi/></features>\n";
  if (kvm) x << "  <cpu mode='host-passthrough'/>\n";
  x << "  <on_poweroff>destroy</on_poweroff>\n"
    << "  <on_reboot>destroy</on_reboot>\n"
    << "  <on_crash>destroy</on_crash>\n"
    << "  <devices>\n"
    << serial(where, spec.console_log, 0) << serial(where, spec.agent_log, 1)
    << "    <controller type='usb' model='none'/>\n"
    << "    <memballoon model='none'/>\n"
    << "  </devices>\n"
    << "</domain>\n";
  return x.str();
}

}  // namespace kmx
