// vm/accel_probe: the KVM probe's boot sector, command and verdict.
#include "vm/accel_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmx {
namespace {

TEST(AccelProbe, BootSectorIsBootableAndCarriesTheMarker) {
  const std::string sector = kvm_probe_boot_sector();
  ASSERT_EQ(sector.size(), 512u);
  EXPECT_EQ(sector.substr(510), "\x55\xaa");
  EXPECT_NE(sector.find("KMX-KVM-OK\n"), std::string::npos);
}

TEST(AccelProbe, CommandRunsTheImageUnderTheGivenAccelerator) {
  const auto argv = probe_command("tcg", "/tmp/probe.img");
  ASSERT_GE(argv.size(), 3u);
  EXPECT_EQ(argv[0], "qemu-system-x86_64");
  EXPECT_EQ(argv[1], "-accel");
  EXPECT_EQ(argv[2], "tcg");
  EXPECT_EQ(argv.back(), "file=/tmp/probe.img,format=raw,if=ide");
}

TEST(AccelProbe, MarkerDecidesSuccess) {
  EXPECT_TRUE(probe_output_has_marker("SeaBIOS (version 1.16.2)\nKMX-KVM-OK\n"));
  EXPECT_FALSE(probe_output_has_marker("qemu-system-x86_64: failed to initialize kvm: Permission denied\n"));
}

// Issue 14: QEMU splits -drive values at commas, so "/tmp/a,b/probe.img"
// became file=/tmp/a plus an unknown option "b/probe.img". A comma is doubled.
TEST(AccelProbe, CommaInTheImagePathIsEscaped) {
  const auto argv = probe_command("kvm", "/tmp/a,b/probe.img");
  EXPECT_EQ(argv.back(), "file=/tmp/a,,b/probe.img,format=raw,if=ide");
}

}  // namespace
}  // namespace kmx
