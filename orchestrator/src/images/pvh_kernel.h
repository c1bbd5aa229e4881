// The kernel a bzImage carries, uncompressed, for QEMU to start at its PVH
// entry point (-kernel given an ELF with XEN_ELFNOTE_PHYS32_ENTRY). It is the
// same kernel image without the bzImage's decompressor in front, which under
// TCG took 5-6 s of every boot (BENCHMARKS.md). Kernels built with
// CONFIG_PVH (Debian's, kvm_guest.config) have the entry; others keep their
// bzImage.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace kmx {

struct BzImagePayload {
  std::string_view compressed;  // without the size trailer
  std::size_t uncompressed_size = 0;
};

// The compressed kernel inside a bzImage (boot protocol 2.08+:
// payload_offset and payload_length, then the kernel build's 4-byte
// little-endian size trailer); nullopt when the bytes are not one.
std::optional<BzImagePayload> bzimage_payload(std::string_view bzimage);

// Whether an x86-64 ELF image has a PVH entry point note.
bool has_pvh_entry(std::string_view elf);

// The payload decompressed (gzip, xz, lzma, bzip2, lz4, zstd: what
// libarchive reads); nullopt unless it decompresses to exactly the size its
// trailer names, at most max_bytes.
std::optional<std::string> decompress_payload(const BzImagePayload& payload, std::size_t max_bytes);

// Writes the PVH-bootable kernel in `bzimage` to `out`. Returns why not when
// it has none (nothing written then); throws ImageError when it cannot write.
std::optional<std::string> write_pvh_kernel(const std::filesystem::path& bzimage, const std::filesystem::path& out);

}  // namespace kmx
