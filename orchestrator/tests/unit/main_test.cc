// cli/main: the kmod-matrix binary maps errors to exit statuses. Integration:
// it runs the real binary (no VM, no libvirt).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "fakes.h"
#include "os/files.h"
#include "os/process_runner.h"
#include "test_paths.h"

namespace kmx {
namespace {

using kmx::testing::ScratchDir;
using ::testing::HasSubstr;

ProcessResult kmod_matrix(const std::vector<std::string>& args) {
  std::vector<std::string> argv{KMX_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  BoostProcessRunner runner;
  return runner.run(argv, {.timeout = std::chrono::seconds(60)});
}

// Issue 14: a kernel named "../x" was accepted, and its cells were written
// outside the run directory.
TEST(IntegrationMain, CheckRejectsAPathAsANameWithItsPositionAndExit2) {
  ScratchDir dir;
  const auto matrix = dir.path() / "m.toml";
  write_file_atomically(matrix,
                        "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
                        "[[kernel]]\nname = \"../x\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
                        "[[kmod]]\nname = \"host\"\n");
  const ProcessResult r = kmod_matrix({"check", matrix.string()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
  EXPECT_THAT(r.output, HasSubstr(matrix.string() + ":5:8: kernel name '../x' contains '/'"));
  EXPECT_THAT(r.output, HasSubstr("fix: use letters, digits"));
}

TEST(IntegrationMain, ResumeOfAPathIsBadInputWithExit2) {
  ScratchDir dir;
  const ProcessResult r = kmod_matrix({"run", "--resume", "../x", "--results", dir.path().string()});
  EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
  EXPECT_THAT(r.output, HasSubstr("--resume '../x' is not a run id"));
  EXPECT_THAT(r.output, HasSubstr("fix:"));
}

// Issue 29: --help of a command ends with that command's exit statuses.
TEST(IntegrationMain, ACommandsHelpShowsItsOwnExitStatuses) {
  const ProcessResult r = kmod_matrix({"compare", "--help"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.output;
  EXPECT_THAT(r.output, HasSubstr("1    regressions, missing (MISS) or vanished tests or cells"));
  const ProcessResult merge = kmod_matrix({"merge", "--help"});
  EXPECT_THAT(merge.output, HasSubstr("a cell in none of the runs (its tests MISS: a shard lost)"));
}

}  // namespace
}  // namespace kmx
