// guest-agent/src/memory_sampler: how often samples are taken and what they hold.
#include "memory_sampler.h"

#include <gtest/gtest.h>

namespace kmx::agent {
namespace {

TEST(SampleSchedule, FourPerSecondAtFirstThenOnePerSecond) {
  SampleSchedule schedule;
  int early = 0, late = 0;
  for (double t = 0; t < 10; t += 0.05) early += schedule.due(t);
  for (double t = 10; t < 20; t += 0.05) late += schedule.due(t);
  EXPECT_NEAR(early, 40, 1);
  EXPECT_NEAR(late, 10, 1);
}

TEST(SampleSchedule, AStarvedAgentGetsOneSampleNotABurst) {
  SampleSchedule schedule;
  EXPECT_TRUE(schedule.due(0));
  EXPECT_TRUE(schedule.due(30));
  EXPECT_FALSE(schedule.due(30.1));
}

TEST(ToEventFields, NamesEveryFigure) {
  MemorySample s;
  s.t = 1.5;
  s.available_kib = 100;
  s.processes = 7;
  const auto j = to_event_fields(s);
  for (const char* key : {"t", "avail", "slab", "vmalloc", "committed", "oom_kills", "procs"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["avail"], 100);
  EXPECT_EQ(j["procs"], 7);
}

TEST(IntegrationSampleMemory, ReadsThisMachinesMeminfo) {
  const MemorySample s = sample_memory(0);
  EXPECT_GT(s.available_kib, 0);
  EXPECT_GT(s.committed_kib, 0);
  EXPECT_GT(s.processes, 0);
}

}  // namespace
}  // namespace kmx::agent
