// images/pvh_kernel: the kernel inside a bzImage, taken out whole when it
// has a PVH entry, refused otherwise.
#include "images/pvh_kernel.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "fake_bzimage.h"
#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using namespace kmx::testing;

TEST(PvhKernel, TheKernelComesOutByteForByteFromAnXzOrGzipPayload) {
  const std::string kernel = elf_with_note("Xen", 18);
  for (int filter : {ARCHIVE_FILTER_XZ, ARCHIVE_FILTER_GZIP}) {
    ScratchDir dir;
    write_file_atomically(dir.path() / "vmlinuz", bzimage(compress(kernel, filter), kernel.size()));
    EXPECT_EQ(write_pvh_kernel(dir.path() / "vmlinuz", dir.path() / "vmlinux"), std::nullopt) << filter;
    EXPECT_EQ(read_file(dir.path() / "vmlinux"), kernel) << filter;
  }
}

TEST(PvhKernel, AKernelWithoutThePvhNoteKeepsItsBzImage) {
  ScratchDir dir;
  const std::string kernel = elf_with_note("GNU", 18);
  write_file_atomically(dir.path() / "vmlinuz", bzimage(compress(kernel, ARCHIVE_FILTER_XZ), kernel.size()));
  const auto why = write_pvh_kernel(dir.path() / "vmlinuz", dir.path() / "vmlinux");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("no PVH entry"), std::string::npos) << *why;
  EXPECT_FALSE(fs::exists(dir.path() / "vmlinux"));
  EXPECT_FALSE(has_pvh_entry(elf_with_note("Xen", 17)));
  EXPECT_TRUE(has_pvh_entry(elf_with_note("Xen", 18)));
}

TEST(PvhKernel, APayloadThatDoesNotDecompressToItsNamedSizeIsRefused) {
  const std::string kernel = elf_with_note("Xen", 18);
  const std::string compressed = compress(kernel, ARCHIVE_FILTER_XZ);
  for (std::uint32_t named : {std::uint32_t(kernel.size() - 1), std::uint32_t(kernel.size() + 1)}) {
    const std::string image = bzimage(compressed, named);
    const auto payload = bzimage_payload(image);
    ASSERT_TRUE(payload);
    EXPECT_FALSE(decompress_payload(*payload, 1 << 20)) << named;
  }
  const std::string image = bzimage(compressed, kernel.size());
  EXPECT_TRUE(decompress_payload(*bzimage_payload(image), 1 << 20));
  EXPECT_FALSE(decompress_payload(*bzimage_payload(image), kernel.size() - 1)) << "over the cap";
  std::string corrupt = image;
  corrupt[(3 + 1) * 512 + 0x200 + compressed.size() / 2] ^= 0x55;
  EXPECT_FALSE(decompress_payload(*bzimage_payload(corrupt), 1 << 20));
}

TEST(PvhKernel, BytesThatAreNoBzImageWithAPayloadHaveNone) {
  const std::string good = bzimage(compress(elf_with_note("Xen", 18), ARCHIVE_FILTER_GZIP), 4136);
  EXPECT_TRUE(bzimage_payload(good));
  EXPECT_FALSE(bzimage_payload(""));
  EXPECT_FALSE(bzimage_payload(good.substr(0, 0x230)));
  EXPECT_FALSE(bzimage_payload(good.substr(0, good.size() - 110))) << "payload past the end";
  EXPECT_FALSE(bzimage_payload(bzimage("x", 1, 0x0207))) << "boot protocol before payload fields";
  std::string no_magic = good;
  no_magic[0x202] = 'X';
  EXPECT_FALSE(bzimage_payload(no_magic));
}

TEST(PvhKernel, MalformedElfNotesAreNoPvhEntry) {
  std::string elf = elf_with_note("Xen", 18);
  EXPECT_FALSE(has_pvh_entry(elf.substr(0, 100)));
  std::string huge_name = elf;
  put_le(huge_name, 120, 0xffffffff, 4);
  EXPECT_FALSE(has_pvh_entry(huge_name));
  std::string note_past_end = elf;
  put_le(note_past_end, 64 + 8, 1ull << 40, 8);
  EXPECT_FALSE(has_pvh_entry(note_past_end));
  std::string many_headers = elf;
  put_le(many_headers, 0x38, 0xffff, 2);
  EXPECT_TRUE(has_pvh_entry(many_headers)) << "the first header still holds the note; the rest are out of range";
  std::string other_machine = elf;
  put_le(other_machine, 0x12, 183, 2);  // aarch64
  EXPECT_FALSE(has_pvh_entry(other_machine));
}

}  // namespace
}  // namespace kmx
