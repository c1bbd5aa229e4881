#include "run/stale_domains.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "fakes.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using testing::FakeVmDriver;

const DomainOwner kMe{"machine-a", "boot-1", 100};

// Issue 25: on the local host a domain named like ours ("kmx-<pid>-...")
// with a dead pid and no owner metadata was destroyed. Anyone can define
// such a name: only the metadata says a domain is this machine's.
TEST(StaleDomains, ADomainWithoutOwnerMetadataIsNeverOursEvenWithADeadPidInItsName) {
  FakeVmDriver driver;
  driver.domains = {"kmx-100-runA-c0-b1", "kmx-200-runB-c1-b3", "kmx-300-runC-c2-b1"};
  driver.owners["kmx-300-runC-c2-b1"] = {"machine-a", "boot-1", 300};
  const auto destroyed = destroy_stale_domains(driver, kMe, [](int pid) { return pid == 100; });
  EXPECT_THAT(destroyed, ElementsAre("kmx-300-runC-c2-b1"));
  EXPECT_THAT(driver.destroyed, ElementsAre("kmx-300-runC-c2-b1"));
}

// The last domain of a run that just ended is still listed while libvirtd
// ends it (autodestroy): its metadata is gone by the time it is asked for,
// so it is not called stale, nor destroyed again.
TEST(StaleDomains, ADomainGoneWhileItsOwnerWasAskedIsNotStale) {
  FakeVmDriver driver;
  driver.domains = {"kmx-200-runB-c0-b1", "kmx-300-runC-c0-b1"};
  driver.vanishing = {"kmx-200-runB-c0-b1"};
  driver.owners["kmx-300-runC-c0-b1"] = {"machine-a", "boot-1", 300};
  const auto destroyed = destroy_stale_domains(driver, kMe, [](int) { return false; });
  EXPECT_THAT(destroyed, ElementsAre("kmx-300-runC-c0-b1"));
  EXPECT_THAT(driver.destroyed, ElementsAre("kmx-300-runC-c0-b1"));
}

TEST(StaleDomains, LeavesDomainsWithoutAnOwnerPidAlone) {
  FakeVmDriver driver;
  driver.domains = {"kmx-build-vm", "kmx-abc-runA-c0-b1"};
  const auto destroyed = destroy_stale_domains(driver, kMe, [](int) { return false; });
  EXPECT_TRUE(destroyed.empty());
  EXPECT_TRUE(driver.destroyed.empty());
}

// On a shared remote host a pid in a name may be any machine's.
TEST(StaleDomains, OnARemoteHostADomainWithoutOwnerMetadataIsLeftAlone) {
  FakeVmDriver driver;
  driver.local = false;
  driver.domains = {"kmx-200-runB-c1-b3"};
  EXPECT_TRUE(destroy_stale_domains(driver, kMe, [](int) { return false; }).empty());
}

TEST(StaleDomains, OtherMachinesDomainsStayWhateverTheirPid) {
  FakeVmDriver driver;
  driver.local = false;
  driver.domains = {"kmx-200-runB-c1-b3", "kmx-300-runC-c0-b1"};
  driver.owners["kmx-200-runB-c1-b3"] = {"machine-b", "boot-9", 200};
  driver.owners["kmx-300-runC-c0-b1"] = {"machine-a", "boot-1", 300};
  const auto destroyed = destroy_stale_domains(driver, kMe, [](int) { return false; });
  EXPECT_THAT(destroyed, ElementsAre("kmx-300-runC-c0-b1"));
}

TEST(StaleDomains, ThisMachinesDomainsOfAnEarlierBootAreStaleEvenIfThePidLives) {
  FakeVmDriver driver;
  driver.domains = {"kmx-100-runA-c0-b1", "kmx-101-runD-c0-b1"};
  driver.owners["kmx-100-runA-c0-b1"] = {"machine-a", "boot-0", 100};  // pid 100 again, after a reboot
  driver.owners["kmx-101-runD-c0-b1"] = {"machine-a", "boot-1", 101};
  const auto destroyed = destroy_stale_domains(driver, kMe, [](int) { return true; });
  EXPECT_THAT(destroyed, ElementsAre("kmx-100-runA-c0-b1"));
}

TEST(StaleDomains, OwnProcessIsAlive) { EXPECT_TRUE(process_alive(::getpid())); }

}  // namespace
}  // namespace kmx
