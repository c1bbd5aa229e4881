// Kernel images as arch/x86/boot builds them, small enough for unit tests:
// an ELF with a PVH note (or not), compressed, inside a bzImage.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace kmx::testing {

inline void put_le(std::string& bytes, std::size_t at, std::uint64_t value, int size) {
  if (bytes.size() < at + size) bytes.resize(at + size, '\0');
  for (int i = 0; i < size; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

// An x86-64 ELF with one PT_NOTE segment holding a note of this owner (up
// to 3 characters) and type.
inline std::string elf_with_note(std::string_view owner, std::uint32_t type) {
  std::string elf = "\177ELF";
  elf += '\x02';             // 64-bit
  elf += '\x01';             // little-endian
  put_le(elf, 0x12, 62, 2);  // x86-64
  put_le(elf, 0x20, 64, 8);  // program headers right after the header
  put_le(elf, 0x36, 56, 2);
  put_le(elf, 0x38, 1, 2);
  put_le(elf, 64, 4, 4);                  // PT_NOTE
  put_le(elf, 64 + 8, 120, 8);            // its offset
  put_le(elf, 64 + 32, 20, 8);            // its size
  put_le(elf, 120, owner.size() + 1, 4);  // the name and its NUL, at most 4 bytes here
  put_le(elf, 124, 4, 4);
  put_le(elf, 128, type, 4);
  elf.resize(136, '\0');
  elf.replace(132, owner.size(), owner);
  put_le(elf, 136, 0x1000000, 4);  // the entry address
  return elf + std::string(4000, 'k');
}

inline std::string compress(const std::string& data, int filter) {
  std::string out(data.size() + 4096, '\0');
  archive* a = archive_write_new();
  archive_write_add_filter(a, filter);
  archive_write_set_format_raw(a);
  archive_write_set_bytes_in_last_block(a, 1);
  std::size_t used = 0;
  archive_write_open_memory(a, out.data(), out.size(), &used);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_write_header(a, entry);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(entry);
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

// A bzImage as arch/x86/boot builds it: setup sectors with the header, then
// the protected-mode part, whose payload is the compressed kernel followed
// by its uncompressed size.
inline std::string bzimage(const std::string& compressed, std::uint32_t size_trailer, std::uint16_t version = 0x020f) {
  constexpr int kSetupSects = 3;
  constexpr std::uint32_t kPayloadOffset = 0x200;
  std::string image(0x1f1, '\0');
  put_le(image, 0x1f1, kSetupSects, 1);
  put_le(image, 0x202, 0x53726448, 4);  // "HdrS"
  put_le(image, 0x206, version, 2);
  put_le(image, 0x248, kPayloadOffset, 4);
  put_le(image, 0x24c, compressed.size() + 4, 4);
  image.resize((kSetupSects + 1) * 512 + kPayloadOffset, '\x90');
  image += compressed;
  put_le(image, image.size(), size_trailer, 4);
  return image + std::string(100, '\0');
}

}  // namespace kmx::testing
