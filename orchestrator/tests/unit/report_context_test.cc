// reports/report_context: bounded test logs and links into the run, shared
// by the report renderers.
#include "reports/report_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "fakes.h"
#include "os/files.h"
#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;

TEST(ReadTestLog, SmallLogWhole) {
  ScratchDir dir;
  TestResult t = sample_test("kmod:0001", Verdict::kFail);
  write_file_atomically(dir.path() / t.log, "line 1\nline 2\n");
  EXPECT_EQ(read_test_log({dir.path(), nullptr}, t), "line 1\nline 2\n");
}

TEST(ReadTestLog, LargeLogKeepsItsTailAndSaysSo) {
  ScratchDir dir;
  TestResult t = sample_test("kmod:0001", Verdict::kFail);
  write_file_atomically(dir.path() / t.log, std::string(100000, 'x') + "the end\n");
  ReportContext context{dir.path(), nullptr, 1000};
  const std::string log = read_test_log(context, t);
  EXPECT_LT(log.size(), 1200u);
  EXPECT_THAT(log, HasSubstr("bytes of cells/kmod:0001.log left out"));
  EXPECT_TRUE(log.ends_with("the end\n"));
}

TEST(ReadTestLog, MissingLogOrRunDirIsEmpty) {
  ScratchDir dir;
  EXPECT_EQ(read_test_log({dir.path(), nullptr}, sample_test("kmod:0001", Verdict::kFail)), "");
  EXPECT_EQ(read_test_log({}, sample_test("kmod:0001", Verdict::kFail)), "");
}

// Issue 25: a test's log comes from a results.json, which may be crafted.
TEST(ReadTestLog, OnlyAFileInsideTheRunDirectoryIsRead) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "outside/secret", "private key\n");
  std::filesystem::create_directories(dir.path() / "run/cells");
  std::filesystem::create_symlink(dir.path() / "outside/secret", dir.path() / "run/cells/kmod:0001.log");
  TestResult t = sample_test("kmod:0001", Verdict::kFail);
  const ReportContext context{dir.path() / "run", nullptr};
  EXPECT_EQ(read_test_log(context, t), "");  // cells/kmod:0001.log is a symlink out
  for (const std::string& log :
       std::vector<std::string>{"../outside/secret", (dir.path() / "outside/secret").string(), "/etc/hostname"}) {
    t.log = log;
    EXPECT_EQ(read_test_log(context, t), "") << log;
  }
}

TEST(LogHref, ALinkIsARelativePathInsideTheRunOrNothing) {
  TestResult t = sample_test("kmod:0001", Verdict::kFail);
  const ReportContext context{"", nullptr, 1024, "../results/run-1"};
  EXPECT_EQ(log_href(context, t), "../results/run-1/cells/kmod:0001.log");
  for (const char* log : {"javascript:alert(7)", "/etc/passwd", "../../x", "https://example.org/x"}) {
    t.log = log;
    EXPECT_EQ(log_href(context, t), "") << log;
  }
}

// The site's copy of a report links only the files it copied.
TEST(RunFileHref, WithALinkableSetOnlyThoseFilesAreLinked) {
  const std::set<std::string> copied = {"cells/a/console.log"};
  ReportContext context;
  context.linkable = &copied;
  EXPECT_EQ(run_file_href(context, "cells/a/console.log"), "cells/a/console.log");
  EXPECT_EQ(run_file_href(context, "cells/a/agent.log"), "");
  context.linkable = nullptr;
  EXPECT_EQ(run_file_href(context, "cells/a/agent.log"), "cells/a/agent.log");
}

}  // namespace
}  // namespace kmx
