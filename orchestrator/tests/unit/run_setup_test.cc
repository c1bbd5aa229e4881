#include "cli/run_setup.h"

#include <gtest/gtest.h>

namespace kmx {
namespace {

HostEntry entry(int cpus = 0, long memory_mib = 0) { return {"qemu+tcp://10.0.0.2/system", cpus, memory_mib, {}}; }

TEST(HostBudget, TheLocalHostGivesWhatThisMachineHasLessATenthOfItsMemory) {
  const HostBudget b = host_budget(entry(), true, {8, 32768}, std::nullopt, 3);
  EXPECT_EQ(b.vcpus, 8);
  EXPECT_EQ(b.memory_mib, 32768 - 3276);
  EXPECT_EQ(b.max_jobs, 3);
}

TEST(HostBudget, AtLeastAGibibyteStaysWithTheHost) {
  EXPECT_EQ(host_budget(entry(), true, {2, 4096}, std::nullopt, 1).memory_mib, 3072);
}

TEST(HostBudget, ARemoteHostGivesWhatItsHypervisorReportsCappedByTheHostsFile) {
  const HostBudget b = host_budget(entry(4), false, {2, 4096}, HostResources{16, 65536}, 1);
  EXPECT_EQ(b.vcpus, 4);
  EXPECT_EQ(b.memory_mib, 65536 - 6553);
}

// Without node info the hosts file's figures count as they are: a cap of
// the 1-CPU guess would ignore what the user wrote.
TEST(HostBudget, ARemoteHostWithoutNodeInfoTakesTheHostsFilesFigures) {
  const HostBudget b = host_budget(entry(12, 49152), false, {2, 4096}, std::nullopt, 1);
  EXPECT_EQ(b.vcpus, 12);
  EXPECT_EQ(b.memory_mib, 49152 - 4915);
}

TEST(HostBudget, ARemoteHostWithoutNodeInfoOrFiguresGetsOneCpuAndTwoGibibytes) {
  const HostBudget b = host_budget(entry(), false, {64, 1 << 20}, std::nullopt, 1);
  EXPECT_EQ(b.vcpus, 1);
  EXPECT_EQ(b.memory_mib, 1024);
}

}  // namespace
}  // namespace kmx
