#include "vm/accel_probe.h"

#include <unistd.h>

#include "os/files.h"

namespace kmx {
namespace {

constexpr std::string_view kMarker = "KMX-KVM-OK";

// QEMU splits option values at commas; a literal comma is written twice.
std::string qemu_option_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    out += c;
    if (c == ',') out += ',';
  }
  return out;
}

}  // namespace

std::string kvm_probe_boot_sector() {
  // Real mode, loaded at 0x7c00: print kMarker on COM1 (0x3f8), then halt.
  std::string code = {'\xbe', '\x00', '\x00',  // mov si, <message>      (patched below)
                      '\xba', '\xf8', '\x03',  // mov dx, 0x3f8
                      '\x2e', '\xac',          // lodsb (cs:)
                      '\x84', '\xc0',          // test al, al
                      '\x74', '\x03',          // jz +3
                      '\xee',                  // out dx, al
                      '\xeb', '\xf8',          // jmp lodsb
                      '\xb0', '\x10',          // mov al, 0x10
                      '\xe6', '\xf4',          // out 0xf4, al: isa-debug-exit, QEMU exits with 0x21
                      '\xf4',                  // hlt
                      '\xeb', '\xfd'};         // jmp hlt
  const uint16_t message = static_cast<uint16_t>(0x7c00 + code.size());
  code[1] = static_cast<char>(message & 0xff);
  code[2] = static_cast<char>(message >> 8);
  code += std::string(kMarker) + "\n";
  code += '\0';
  code.resize(510, '\0');
  code += "\x55\xaa";
  return code;
}

std::vector<std::string> probe_command(const std::string& accel, const std::filesystem::path& image) {
  return {"qemu-system-x86_64",
          "-accel",
          accel,
          "-m",
          "16",
          "-nodefaults",
          "-display",
          "none",
          "-no-reboot",
          "-serial",
          "stdio",
          "-device",
          "isa-debug-exit,iobase=0xf4,iosize=0x04",
          "-drive",
          "file=" + qemu_option_value(image.string()) + ",format=raw,if=ide"};
}

bool probe_output_has_marker(const std::string& output) { return output.find(kMarker) != std::string::npos; }

AccelChoice probe_accel(ProcessRunner& runner, const std::filesystem::path& work_dir) {
  if (::access("/dev/kvm", R_OK | W_OK) != 0) return {Accel::kTcg, "/dev/kvm is missing or not accessible"};
  const auto image = work_dir / "kvm-probe.img";
  write_file_atomically(image, kvm_probe_boot_sector());
  const auto argv = probe_command("kvm", image);
  ProcessResult r = runner.run(argv, {.timeout = std::chrono::seconds(10)});
  if (probe_output_has_marker(r.output)) return {Accel::kKvm, "a KVM guest ran the probe boot sector"};
  if (r.timed_out) return {Accel::kTcg, "a KVM guest did not reach the probe marker in 10 s; using TCG"};
  std::string out = r.output.size() > 200 ? r.output.substr(0, 200) : r.output;
  return {Accel::kTcg, "qemu -accel kvm failed (" + out + "); using TCG"};
}

}  // namespace kmx
