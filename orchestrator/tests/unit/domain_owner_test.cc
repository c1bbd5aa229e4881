#include "vm/domain_owner.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace kmx {
namespace {

const DomainOwner kOwner{"3d1219c7c4c5404aaa1f6d2a48adfda4", "e496a256-d31b-4d93-986e-9197c33b0922", 4821};

TEST(DomainOwner, MetadataRoundTrips) { EXPECT_EQ(parse_owner_metadata(owner_metadata_xml(kOwner)), kOwner); }

// What virDomainGetMetadata hands back (libvirt 9.0): no namespace, double quotes.
TEST(DomainOwner, ReadsTheElementAsLibvirtReturnsIt) {
  const std::string xml =
      "<owner host=\"3d1219c7c4c5404aaa1f6d2a48adfda4\" "
      "boot=\"e496a256-d31b-4d93-986e-9197c33b0922\" pid=\"4821\"/>";
  EXPECT_EQ(parse_owner_metadata(xml), kOwner);
}

TEST(DomainOwner, RefusesOtherElementsAndMalformedValues) {
  const std::string ns = std::string(kOwnerNamespace);
  EXPECT_EQ(parse_owner_metadata(""), std::nullopt);
  EXPECT_EQ(parse_owner_metadata("<x:other xmlns:x='" + ns + "' host='a' boot='b' pid='1'/>"), std::nullopt);
  EXPECT_EQ(parse_owner_metadata("<owner xmlns='" + ns + "' host='a' boot='b' pid='-1'/>"), std::nullopt);
  EXPECT_EQ(parse_owner_metadata("<owner xmlns='" + ns + "' host='a' boot='b' pid='12x'/>"), std::nullopt);
  EXPECT_EQ(parse_owner_metadata("<owner xmlns='" + ns + "' host='a b' boot='b' pid='1'/>"), std::nullopt);
  EXPECT_EQ(parse_owner_metadata("<owner xmlns='" + ns + "' host='a' pid='1'/>"), std::nullopt);
  EXPECT_EQ(parse_owner_metadata("<owner xmlns='" + ns + "' ghost='a' boot='b' pid='1'/>"), std::nullopt);
  EXPECT_EQ(parse_owner_metadata(std::string(5000, '<')), std::nullopt);
}

TEST(DomainOwner, JudgesByMachineThenBootThenPid) {
  auto alive = [](int pid) { return pid == 4821; };
  EXPECT_EQ(judge_owner(kOwner, kOwner, alive), OwnerVerdict::kLive);
  DomainOwner other_machine = kOwner;
  other_machine.host_id = "elsewhere";
  EXPECT_EQ(judge_owner(other_machine, kOwner, [](int) { return false; }), OwnerVerdict::kForeign);
  DomainOwner earlier_boot = kOwner;
  earlier_boot.boot_id = "before-the-reboot";
  EXPECT_EQ(judge_owner(earlier_boot, kOwner, alive), OwnerVerdict::kStale);
  DomainOwner dead = kOwner;
  dead.pid = 7;
  EXPECT_EQ(judge_owner(dead, kOwner, alive), OwnerVerdict::kStale);
}

TEST(DomainOwner, ThisProcessHasAMachineABootAndItsPid) {
  const DomainOwner me = this_process_owner();
  EXPECT_FALSE(me.host_id.empty());
  EXPECT_FALSE(me.boot_id.empty());
  EXPECT_EQ(me.pid, static_cast<int>(::getpid()));
  EXPECT_EQ(parse_owner_metadata(owner_metadata_xml(me)), me);
}

}  // namespace
}  // namespace kmx
