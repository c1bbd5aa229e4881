// guest-agent/src/proc_reader: the /proc parsers behind memory samples and hang dumps.
#include "proc_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace kmx::agent {
namespace {

const char* kMeminfo =
    "MemTotal:        1004124 kB\n"
    "MemFree:          812340 kB\n"
    "MemAvailable:     790000 kB\n"
    "Slab:              40212 kB\n"
    "SReclaimable:      10000 kB\n"
    "Committed_AS:     150000 kB\n"
    "VmallocUsed:       10240 kB\n";

TEST(MeminfoKib, ReadsTheNamedField) {
  EXPECT_EQ(meminfo_kib(kMeminfo, "MemAvailable"), 790000);
  EXPECT_EQ(meminfo_kib(kMeminfo, "Slab"), 40212);
  EXPECT_EQ(meminfo_kib(kMeminfo, "VmallocUsed"), 10240);
  EXPECT_EQ(meminfo_kib(kMeminfo, "Committed_AS"), 150000);
}

TEST(MeminfoKib, AKeyIsMatchedWholeAtALineStart) {
  EXPECT_EQ(meminfo_kib(kMeminfo, "Mem"), -1);          // not a prefix of MemTotal
  EXPECT_EQ(meminfo_kib(kMeminfo, "Reclaimable"), -1);  // not inside SReclaimable
  EXPECT_EQ(meminfo_kib("", "Slab"), -1);
  EXPECT_EQ(meminfo_kib("Slab: lots kB\n", "Slab"), -1);
}

TEST(VmstatValue, ReadsSpaceSeparatedCounters) {
  EXPECT_EQ(vmstat_value("nr_free_pages 1000\noom_kill 3\n", "oom_kill"), 3);
  EXPECT_EQ(vmstat_value("nr_free_pages 1000\n", "oom_kill"), -1);
}

TEST(ParseProcStat, CountsFieldsFromTheLastParenthesis) {
  ProcStat s;
  ASSERT_TRUE(parse_proc_stat("311 (mod) probe (x)) D 2 300 300 0 -1 4194560 0 0", s));
  EXPECT_EQ(s.pid, 311);
  EXPECT_EQ(s.comm, "mod) probe (x)");
  EXPECT_EQ(s.state, 'D');
  EXPECT_EQ(s.pgrp, 300);
  EXPECT_FALSE(s.kernel_thread);
}

TEST(ParseProcStat, RecognisesKernelThreadsByTheirFlag) {
  ProcStat s;
  ASSERT_TRUE(parse_proc_stat("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0", s));
  EXPECT_TRUE(s.kernel_thread);
}

TEST(ParseProcStat, RejectsTruncatedText) {
  ProcStat s;
  EXPECT_FALSE(parse_proc_stat("", s));
  EXPECT_FALSE(parse_proc_stat("12 (sh", s));
  EXPECT_FALSE(parse_proc_stat("12 (sh) S 1", s));
}

TEST(IntegrationForEachProcess, FindsThisProcess) {
  bool found = false;
  for_each_process([&](const ProcStat& p) { found = found || p.pid == ::getpid(); });
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace kmx::agent
