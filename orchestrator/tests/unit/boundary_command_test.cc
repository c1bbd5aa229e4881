// cli/boundary_command: the command line, what it refuses before anything
// boots, and (Integration) the binary's exit status for bad input. The
// search and its probes run end to end over the fake hypervisor in
// matrix_probe_runner_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "command_line.h"
#include "fakes.h"
#include "os/files.h"
#include "os/process_runner.h"
#include "test_paths.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using testing::error_of;
using ::testing::HasSubstr;
using testing::run_command_line;
using testing::ScratchDir;

constexpr std::string_view kOneCell =
    "tests = [\"kmod:0006\"]\nvcpus = [2]\nmemory_mib = [1024]\n"
    "[[kernel]]\nname = \"debian-6.12\"\npackage = \"linux-image-6.12.95+deb12-amd64\"\n"
    "[[kmod]]\nname = \"host\"\n";

class BoundaryCommand : public ::testing::Test {
 protected:
  BoundaryCommand() { write_file_atomically(matrix_, kOneCell); }
  std::string error_with(std::vector<std::string> more) {
    std::vector<std::string> args = {"boundary", matrix_.string(), "--results", dir_.path().string()};
    args.insert(args.end(), more.begin(), more.end());
    return error_of(args);
  }
  ScratchDir dir_;
  fs::path matrix_ = dir_.path() / "m.toml";
};

TEST_F(BoundaryCommand, IsInTheCommandTable) {
  std::vector<std::string> names;
  for (const auto& c : commands()) names.push_back(c.name);
  EXPECT_THAT(names, ::testing::Contains("boundary"));
}

TEST_F(BoundaryCommand, NeedsATestAndExactlyOneAxis) {
  EXPECT_THAT(error_with({"--memory", "64:512"}), HasSubstr("a boundary search needs a matrix and --test"));
  EXPECT_THAT(error_with({"--test", "kmod:0006"}), HasSubstr("give --memory LOW:HIGH[:STEP] or --vcpus"));
  EXPECT_THAT(error_with({"--test", "kmod:0006", "--memory", "64:512", "--vcpus", "1:4"}), HasSubstr("(one)"));
}

TEST_F(BoundaryCommand, ABadRangeIsRefusedWithItsFix) {
  EXPECT_THAT(error_with({"--test", "kmod:0006", "--memory", "512:64"}),
              HasSubstr("--memory '512:64': LOW is above HIGH\n  fix: --memory 64:512"));
  EXPECT_THAT(error_with({"--test", "kmod:0006", "--vcpus", "0:4"}), HasSubstr("values go from 1 to 1024 vCPUs"));
}

TEST_F(BoundaryCommand, BadVerdictsAreTheTestsOwn) {
  EXPECT_THAT(error_with({"--test", "kmod:0006", "--memory", "64:512", "--bad", "OOM,MAYBE"}),
              HasSubstr("--bad MAYBE: not a verdict\n  fix: e.g. --bad OOM or --bad OOM,FAIL"));
  EXPECT_THAT(error_with({"--test", "kmod:0006", "--memory", "64:512", "--bad", "ERROR"}),
              HasSubstr("--bad ERROR: is the harness's, a rerun's or a merge's verdict"));
}

TEST_F(BoundaryCommand, AnUnknownTestOrKernelIsRefusedBeforeAnythingBoots) {
  EXPECT_THAT(error_with({"--test", "kmod:9999", "--memory", "64:512"}), HasSubstr("--test kmod:9999"));
  EXPECT_THAT(error_with({"--test", "kmod:0006", "--memory", "64:512", "--kernel", "debian-7"}),
              HasSubstr("--kernel debian-7: " + matrix_.string() + " has no [[kernel]] of that name"));
  for (const auto& entry : fs::directory_iterator(dir_.path()))
    EXPECT_EQ(entry.path().filename(), "m.toml");  // no boundary directory was made
}

TEST_F(BoundaryCommand, RepeatsAreBounded) {
  EXPECT_THROW(
      run_command_line({"boundary", matrix_.string(), "--test", "kmod:0006", "--memory", "64:512", "--repeats", "0"}),
      CLI::ValidationError);
}

TEST(IntegrationBoundaryCommand, BadInputExits2WithTheFix) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "m.toml", kOneCell);
  BoostProcessRunner runner;
  const ProcessResult r = runner.run(
      {KMX_BINARY, "boundary", (dir.path() / "m.toml").string(), "--test", "kmod:0006", "--memory", "32:512"},
      {.timeout = std::chrono::seconds(60)});
  EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
  EXPECT_THAT(r.output, HasSubstr("--memory '32:512': values go from 64 to 16777216 MiB\n  fix:"));
}

}  // namespace
}  // namespace kmx
