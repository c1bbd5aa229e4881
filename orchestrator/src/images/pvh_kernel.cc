#include "images/pvh_kernel.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <memory>

#include "images/artifacts.h"
#include "os/files.h"

namespace kmx {
namespace {

template <typename T>
std::optional<T> read_le(std::string_view bytes, std::size_t at) {
  if (at > bytes.size() || bytes.size() - at < sizeof(T)) return std::nullopt;
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    value |= static_cast<T>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return value;
}

// arch/x86/boot/header.S: the setup header's fields and where the protected
// mode kernel starts ((setup_sects + 1) sectors in).
constexpr std::size_t kSetupSects = 0x1f1, kHeaderMagic = 0x202, kVersion = 0x206, kPayloadOffset = 0x248,
                      kPayloadLength = 0x24c;
constexpr std::uint32_t kHdrS = 0x53726448;  // "HdrS"
constexpr std::uint16_t kFirstWithPayload = 0x0208;
// include/xen/interface/elfnote.h
constexpr std::uint32_t kXenElfNotePhys32Entry = 18;

}  // namespace

std::optional<BzImagePayload> bzimage_payload(std::string_view bzimage) {
  const auto magic = read_le<std::uint32_t>(bzimage, kHeaderMagic);
  const auto version = read_le<std::uint16_t>(bzimage, kVersion);
  const auto sects = read_le<std::uint8_t>(bzimage, kSetupSects);
  const auto offset = read_le<std::uint32_t>(bzimage, kPayloadOffset);
  const auto length = read_le<std::uint32_t>(bzimage, kPayloadLength);
  if (magic != kHdrS || !version || *version < kFirstWithPayload || !sects || !offset || !length) return std::nullopt;
  const std::size_t start = (std::size_t{*sects ? *sects : 4u} + 1) * 512 + *offset;
  if (*length < 4 || start > bzimage.size() || bzimage.size() - start < *length) return std::nullopt;
  const std::string_view payload = bzimage.substr(start, *length);
  return BzImagePayload{payload.substr(0, payload.size() - 4), *read_le<std::uint32_t>(payload, payload.size() - 4)};
}

bool has_pvh_entry(std::string_view elf) {
  constexpr std::uint16_t kX86_64 = 62;
  constexpr std::uint32_t kPtNote = 4;
  if (elf.substr(0, 4) != "\177ELF" || elf.size() < 64 || elf[4] != 2 || elf[5] != 1) return false;
  if (read_le<std::uint16_t>(elf, 0x12) != kX86_64) return false;
  const std::uint64_t phoff = *read_le<std::uint64_t>(elf, 0x20);
  const std::uint16_t phentsize = *read_le<std::uint16_t>(elf, 0x36), phnum = *read_le<std::uint16_t>(elf, 0x38);
  if (phentsize < 56 || phoff > elf.size()) return false;
  for (std::uint16_t i = 0; i < phnum; ++i) {
    const std::uint64_t ph = phoff + std::uint64_t{i} * phentsize;
    if (read_le<std::uint32_t>(elf, ph) != kPtNote) continue;
    const auto offset = read_le<std::uint64_t>(elf, ph + 8), size = read_le<std::uint64_t>(elf, ph + 32);
    if (!offset || !size || *offset > elf.size() || elf.size() - *offset < *size) continue;
    const std::string_view notes = elf.substr(*offset, *size);
    auto padded = [](std::uint64_t n) { return (n + 3) / 4 * 4; };
    for (std::uint64_t at = 0; at + 12 <= notes.size();) {
      const std::uint64_t namesz = *read_le<std::uint32_t>(notes, at), descsz = *read_le<std::uint32_t>(notes, at + 4);
      const std::uint32_t type = *read_le<std::uint32_t>(notes, at + 8);
      if (namesz > notes.size() || descsz > notes.size()) break;
      if (type == kXenElfNotePhys32Entry && namesz == 4 && notes.substr(at + 12, 4) == std::string_view("Xen\0", 4))
        return true;
      at += 12 + padded(namesz) + padded(descsz);
    }
  }
  return false;
}

std::optional<std::string> decompress_payload(const BzImagePayload& payload, std::size_t max_bytes) {
  if (payload.uncompressed_size > max_bytes) return std::nullopt;
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(), archive_read_free);
  archive* a = reader.get();
  archive_read_support_filter_all(a);
  archive_read_support_format_raw(a);
  archive_entry* entry = nullptr;
  if (archive_read_open_memory(a, payload.compressed.data(), payload.compressed.size()) != ARCHIVE_OK ||
      archive_read_next_header(a, &entry) != ARCHIVE_OK)
    return std::nullopt;
  std::string out;
  out.reserve(payload.uncompressed_size);
  char buffer[1 << 16];
  for (la_ssize_t n; (n = archive_read_data(a, buffer, sizeof buffer)) != 0;) {
    if (n < 0 || out.size() + static_cast<std::size_t>(n) > payload.uncompressed_size) return std::nullopt;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  if (out.size() != payload.uncompressed_size) return std::nullopt;
  return out;
}

std::optional<std::string> write_pvh_kernel(const std::filesystem::path& bzimage, const std::filesystem::path& out) {
  constexpr std::size_t kMaxKernelBytes = std::size_t{512} << 20;
  const std::string image = read_file(bzimage);
  const auto payload = bzimage_payload(image);
  if (!payload) return "not a bzImage with a payload (boot protocol 2.08+)";
  const auto kernel = decompress_payload(*payload, kMaxKernelBytes);
  if (!kernel) return "its payload does not decompress to the size it names";
  if (!has_pvh_entry(*kernel)) return "no PVH entry point (CONFIG_PVH is off)";
  try {
    write_file_atomically(out, *kernel);
  } catch (const std::exception& e) {
    throw ImageError("cannot write the uncompressed kernel " + out.string() + ": " + e.what());
  }
  return std::nullopt;
}

}  // namespace kmx
