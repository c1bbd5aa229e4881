// os/files: paths kept inside a run directory, and a full disk told apart
// from other failures.
#include "os/files.h"

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <system_error>

#include "fakes.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

TEST(PathUnder, JoinsAPathInsideTheRoot) {
  EXPECT_EQ(path_under("/results/run", "cells/debian-6.1.host.1cpu.512M/tests/kmod-0001.log"),
            fs::path("/results/run/cells/debian-6.1.host.1cpu.512M/tests/kmod-0001.log"));
  EXPECT_EQ(path_under("/results/run", "cells/a..b"), fs::path("/results/run/cells/a..b"));  // a name, not ".."
}

// Issue 14: a kernel named "../x" wrote its cell directory beside the run's.
TEST(PathUnder, RefusesEveryWayOut) {
  for (const char* escape : {"cells/../../x", "..", "/etc/passwd", ""}) {
    try {
      path_under("/results/run", escape);
      ADD_FAILURE() << "no error for '" << escape << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_THAT(e.what(), HasSubstr("not a path inside it")) << escape;
    }
  }
}

TEST(OutOfSpace, RecognisesAFullDiskAndAFullQuotaOnly) {
  EXPECT_TRUE(is_out_of_space(fs::filesystem_error("rename", std::make_error_code(std::errc::no_space_on_device))));
  EXPECT_TRUE(is_out_of_space(std::system_error(EDQUOT, std::generic_category(), "write")));
  EXPECT_FALSE(is_out_of_space(std::system_error(EACCES, std::generic_category(), "write")));
  EXPECT_FALSE(is_out_of_space(std::runtime_error("No space left on device")));
}

// A write that fails keeps errno for the caller, so that a full disk can be
// told apart; here the temporary's name is taken by a directory.
TEST(WriteFileAtomically, FailureIsASystemErrorWithErrno) {
  testing::ScratchDir dir;
  fs::create_directories(dir.path() / ("results.json.tmp." + std::to_string(::getpid())));
  try {
    write_file_atomically(dir.path() / "results.json", "{}");
    FAIL() << "no error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::is_a_directory);
    EXPECT_THAT(e.what(), HasSubstr("cannot create"));
  }
}

// The header promises no temporary behind, even when the last step, the
// rename, fails: here the target is a directory that is not empty.
TEST(WriteFileAtomically, AFailedRenameLeavesNoTemporary) {
  testing::ScratchDir dir;
  write_file_atomically(dir.path() / "results.json" / "inside", "x");
  try {
    write_file_atomically(dir.path() / "results.json", "{}");
    FAIL() << "no error";
  } catch (const std::system_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot rename into place"));
  }
  EXPECT_FALSE(fs::exists(dir.path() / ("results.json.tmp." + std::to_string(::getpid()))));
}

}  // namespace
}  // namespace kmx
