// cli/run_command: what `run` refuses before it touches anything (the run
// itself needs libvirt and is covered end to end).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "command_line.h"
#include "fakes.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using kmx::testing::run_command_line;
using kmx::testing::ScratchDir;
using ::testing::HasSubstr;

std::string resume_error(const std::string& id, const fs::path& results) {
  try {
    run_command_line({"run", "--resume", id, "--results", results.string()});
  } catch (const std::runtime_error& e) {  // main maps it to exit 2
    return e.what();
  }
  return "(no error)";
}

// Issue 14: --resume ../x read and wrote the run directory outside --results.
TEST(RunCommand, ResumeTakesOnlyARunIdUnderResults) {
  ScratchDir dir;
  for (const char* id : {"../x", "a/b", "..", ".", "/tmp"}) {
    const std::string error = resume_error(id, dir.path());
    EXPECT_THAT(error, HasSubstr("--resume '" + std::string(id) + "' is not a run id")) << error;
    EXPECT_THAT(error, HasSubstr("fix: pass the run id printed by the interrupted run")) << error;
  }
}

TEST(RunCommand, ResumeRefusesARunDirectoryThatLeadsOutOfResults) {
  ScratchDir dir;
  fs::create_directories(dir.path() / "results");
  fs::create_directories(dir.path() / "elsewhere");
  fs::create_symlink(dir.path() / "elsewhere", dir.path() / "results/20261122-233800-1");
  const std::string error = resume_error("20261122-233800-1", dir.path() / "results");
  EXPECT_THAT(error, HasSubstr("resolves to " + (dir.path() / "elsewhere").string() + ", outside")) << error;
}

TEST(RunCommand, APlainRunIdGetsAsFarAsLookingForTheRun) {
  ScratchDir dir;
  const std::string error = resume_error("20261122-233800-1", dir.path());
  EXPECT_THAT(error, HasSubstr("no run 20261122-233800-1 under")) << error;
}

TEST(RunCommand, ABadShardIsRefusedBeforeAnythingIsLookedUp) {
  ScratchDir dir;
  for (const char* bad : {"0/2", "3/2", "1/1001", "half"}) {
    try {
      run_command_line({"run", "smoke", "--shard", bad, "--results", dir.path().string()});
      ADD_FAILURE() << bad << " accepted";
    } catch (const std::runtime_error& e) {  // main maps it to exit 2
      EXPECT_THAT(e.what(), HasSubstr("--shard '" + std::string(bad) + "'"));
      EXPECT_THAT(e.what(), HasSubstr("fix: --shard K/N with 1 <= K <= N <= 1000"));
    }
    EXPECT_TRUE(fs::is_empty(dir.path())) << bad;
  }
}

}  // namespace
}  // namespace kmx
