// os/contained_files: a path read back from a run directory reaches only a
// regular file really inside it (issue 25: a test's `log` of
// "../../../../etc/passwd" was read into JUnit, a symlinked cells/<id> made
// merge link a private key into the merged run).
#include "os/contained_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::ScratchDir;

TEST(RelativePathProblem, AcceptsPathsInsideTheRun) {
  for (const char* path : {"cells/debian-6.1.host.1cpu.512M/tests/kmod-0001.log", "a..b/c", "./x", "tests/kmod:0001"})
    EXPECT_EQ(relative_path_problem(path), "") << path;
}

TEST(RelativePathProblem, NamesEveryWayOut) {
  for (const char* path : {"", "/etc/hostname", "../../../../etc/passwd", "cells/../../x", "..", "a/..",
                           "javascript:alert(7)", "file:/etc/passwd", "a\\b", "a\nb", "a\x1b[2Jb"})
    EXPECT_NE(relative_path_problem(path), "") << path;
  EXPECT_NE(relative_path_problem(std::string(5000, 'a')), "");
}

class ContainedFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(run() / "cells/c1/tests");
    write_file_atomically(run() / "cells/c1/tests/t.log", "inside\n");
    write_file_atomically(outside() / "secret", "private key\n");
  }
  fs::path run() const { return dir_.path() / "run"; }
  fs::path outside() const { return dir_.path() / "outside"; }

  ScratchDir dir_;
};

TEST_F(ContainedFiles, ReadsARegularFileInside) {
  std::size_t size = 0;
  EXPECT_EQ(read_contained_tail(run(), "cells/c1/tests/t.log", 1024, &size), "inside\n");
  EXPECT_EQ(size, 7u);
  EXPECT_EQ(read_contained_tail(run(), "cells/c1/tests/t.log", 3), "de\n");  // the tail
  EXPECT_EQ(read_contained_file(run(), "cells/c1/tests/t.log", 1024), "inside\n");
  EXPECT_EQ(contained_entry(run(), "cells/c1"), ContainedEntry::kDirectory);
  EXPECT_EQ(contained_entry(run(), "cells/c1/tests/t.log"), ContainedEntry::kRegularFile);
  EXPECT_EQ(contained_entry(run(), "cells/c2"), ContainedEntry::kMissing);
}

TEST_F(ContainedFiles, NeverLeavesTheDirectoryByDotDotOrAbsolutePath) {
  EXPECT_FALSE(read_contained_tail(run(), "../outside/secret", 1024));
  EXPECT_FALSE(read_contained_tail(run(), (outside() / "secret").string(), 1024));
  EXPECT_THROW(read_contained_file(run(), "../outside/secret", 1024), ContainedFileError);
}

TEST_F(ContainedFiles, FollowsNoSymlinkLastOrOnTheWay) {
  fs::create_symlink(outside() / "secret", run() / "cells/c1/tests/link.log");
  fs::create_directory_symlink(outside(), run() / "cells/c2");
  EXPECT_FALSE(read_contained_tail(run(), "cells/c1/tests/link.log", 1024));
  EXPECT_FALSE(read_contained_tail(run(), "cells/c2/secret", 1024));
  EXPECT_THROW(read_contained_file(run(), "cells/c2/secret", 1024), ContainedFileError);
  EXPECT_EQ(contained_entry(run(), "cells/c2"), ContainedEntry::kSymlink);
  EXPECT_EQ(contained_entry(run(), "cells/c1/tests/link.log"), ContainedEntry::kSymlink);
  EXPECT_NE(contained_entry(run(), "cells/c2/secret"), ContainedEntry::kRegularFile);
}

TEST_F(ContainedFiles, AFifoIsNotAFileAndDoesNotBlock) {
  ASSERT_EQ(::mkfifo((run() / "cells/c1/tests/fifo.log").c_str(), 0600), 0);
  EXPECT_FALSE(read_contained_tail(run(), "cells/c1/tests/fifo.log", 1024));
  EXPECT_EQ(contained_entry(run(), "cells/c1/tests/fifo.log"), ContainedEntry::kOther);
}

TEST_F(ContainedFiles, AFileLargerThanTheCapIsRefusedNamedWithAFix) {
  try {
    read_contained_file(run(), "cells/c1/tests/t.log", 3);
    FAIL() << "no error";
  } catch (const ContainedFileError& e) {
    EXPECT_THAT(e.what(), HasSubstr("t.log is 7 bytes, more than the 3"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

}  // namespace
}  // namespace kmx
