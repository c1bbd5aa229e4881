// run/accel_selection: forced choices probe nothing; a cached probe is reused.
#include "run/accel_selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace kmx::testing;

class AccelSelection : public ::testing::Test {
 protected:
  AccelProbeContext context(std::filesystem::path cache_file = {}) {
    return AccelProbeContext{
        runner_, driver_, clock_, dir_.path() / "probe", std::move(cache_file), "kmx-1-run-c999-b0"};
  }
  ScratchDir dir_;
  FakeProcessRunner runner_;
  FakeVmDriver driver_;
  FakeClock clock_;
  Image image_{"img", "6.1.0-56-amd64", "/cache/vmlinuz", "/cache/initrd.cpio"};
};

TEST_F(AccelSelection, ForcedTcgProbesNothing) {
  auto ctx = context();
  const AccelChoice choice = select_accel("tcg", ctx, image_);
  EXPECT_EQ(choice.accel, Accel::kTcg);
  EXPECT_THAT(choice.reason, HasSubstr("--accel tcg"));
  EXPECT_THAT(runner_.calls, IsEmpty());
  EXPECT_THAT(driver_.started, IsEmpty());
}

TEST_F(AccelSelection, ForcedKvmProbesNothing) {
  auto ctx = context();
  EXPECT_EQ(select_accel("kvm", ctx, image_).accel, Accel::kKvm);
  EXPECT_THAT(runner_.calls, IsEmpty());
}

TEST_F(AccelSelection, CachedProbeIsReusedWithItsReason) {
  const auto cache_file = dir_.path() / "accel.txt";
  write_file_atomically(cache_file, "kvm\nthe guest kernel booted under KVM in 2 s");
  auto ctx = context(cache_file);
  const AccelChoice choice = select_accel("auto", ctx, image_);
  EXPECT_EQ(choice.accel, Accel::kKvm);
  EXPECT_THAT(choice.reason, HasSubstr("booted under KVM in 2 s (cached probe: "));
  EXPECT_THAT(runner_.calls, IsEmpty());
}

TEST_F(AccelSelection, AutoWithoutKvmFallsBackToTcgAndRemembersIt) {
  runner_.script("qemu-system-x86_64", exited(1, "Could not access KVM kernel module"));
  const auto cache_file = dir_.path() / "accel.txt";
  auto ctx = context(cache_file);
  const AccelChoice choice = select_accel("auto", ctx, image_);
  EXPECT_EQ(choice.accel, Accel::kTcg);
  EXPECT_THAT(driver_.started, IsEmpty());  // no Linux probe without a working boot sector
  EXPECT_THAT(read_file(cache_file), ::testing::StartsWith("tcg\n"));
}

}  // namespace
}  // namespace kmx
