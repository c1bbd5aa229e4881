// cli/context: one per process; parts are made on first use from the options.
#include "cli/context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "os/files.h"
#include "store/run_result.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::SizeIs;
using namespace kmx::testing;

TEST(Context, HoldsTheBuiltinSources) {
  std::atomic<bool> stop{false};
  Context ctx({}, stop);
  EXPECT_EQ(ctx.sources().readers().kernel_default, "debian");
  EXPECT_EQ(ctx.sources().readers().kmod_default, "host");
}

TEST(Context, CacheComesFromTheOptionAndIsNotCreatedByLooking) {
  ScratchDir dir;
  std::atomic<bool> stop{false};
  Context ctx({.cache = (dir.path() / "cache").string()}, stop);
  EXPECT_EQ(ctx.cache().root(), dir.path() / "cache");
  EXPECT_FALSE(fs::exists(dir.path() / "cache"));
}

TEST(Context, AgentOptionOverridesTheInstalledOne) {
  std::atomic<bool> stop{false};
  Context ctx({.agent = "/opt/kmx-agent"}, stop);
  EXPECT_EQ(ctx.installation().agent, fs::path("/opt/kmx-agent"));
}

TEST(Context, WritersOfARunDirectoryWriteResultsJsonAndMatrixText) {
  ScratchDir dir;
  std::atomic<bool> stop{false};
  Context ctx({}, stop);
  const auto writers = ctx.writers_for(dir.path());
  ASSERT_THAT(writers, SizeIs(2));
  RunResult run;
  run.run_id = "r";
  for (auto* w : writers) w->on_finish(run);
  EXPECT_TRUE(fs::exists(dir.path() / "results.json"));
  EXPECT_TRUE(fs::exists(dir.path() / "matrix.txt"));
}

TEST(Context, SharesTheStopFlag) {
  std::atomic<bool> stop{false};
  Context ctx({}, stop);
  stop = true;
  EXPECT_TRUE(ctx.stop());
}

}  // namespace
}  // namespace kmx
