// vm/file_tail: reading what a guest appended, and cutting its logs to their
// caps once it is gone.
#include "vm/file_tail.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace kmx::testing;

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(FileTail, MissingFileGivesNothing) {
  ScratchDir dir;
  FileTail tail(dir.path() / "console.log");
  EXPECT_EQ(tail.read_new(), "");
}

TEST(FileTail, ReturnsOnlyBytesAppendedSinceLastRead) {
  ScratchDir dir;
  const fs::path path = dir.path() / "console.log";
  FileTail tail(path);
  std::ofstream out(path, std::ios::binary);
  out << "[    0.000000] Linux version" << std::flush;
  EXPECT_EQ(tail.read_new(), "[    0.000000] Linux version");
  EXPECT_EQ(tail.read_new(), "");
  out << " 6.1.0-56-amd64\n" << std::flush;
  EXPECT_EQ(tail.read_new(), " 6.1.0-56-amd64\n");
}

TEST(FileTail, MaxBytesSplitsALargeAppendAcrossReads) {
  ScratchDir dir;
  const fs::path path = dir.path() / "agent.log";
  std::ofstream(path, std::ios::binary) << "0123456789";
  FileTail tail(path);
  EXPECT_EQ(tail.read_new(4), "0123");
  EXPECT_EQ(tail.read_new(4), "4567");
  EXPECT_EQ(tail.read_new(4), "89");
}

// Issue 14: a 20 MB agent.log read after the VM stopped lost its last
// events when the caller read once (8 MiB per read); reading until "" sees it all.
TEST(FileTail, ReadingUntilEmptyReachesTheEndOfALargeFile) {
  ScratchDir dir;
  const fs::path path = dir.path() / "agent.log";
  std::string content(20 << 20, 'x');
  content += "\n{\"ev\":\"test-end\"}\n";
  write_file_atomically(path, content);
  FileTail tail(path);
  std::string seen;
  for (std::string chunk; !(chunk = tail.read_new()).empty();) seen += chunk;
  EXPECT_EQ(seen.size(), content.size());
  EXPECT_TRUE(seen.ends_with("{\"ev\":\"test-end\"}\n"));
}

TEST(CapLogFile, LeavesAFileWithinItsCapAlone) {
  ScratchDir dir;
  const fs::path path = dir.path() / "console.log";
  write_file_atomically(path, "[    0.0] Linux version\n");
  EXPECT_EQ(cap_log_file(path, 1000), 24u);
  EXPECT_EQ(read_all(path), "[    0.0] Linux version\n");
}

// Issue 14: console.log and agent.log had no size limit on disk.
TEST(CapLogFile, KeepsTheFirstAndLastPartWithinTheCap) {
  ScratchDir dir;
  const fs::path path = dir.path() / "console.log";
  const std::string panic = "[   99.0] Kernel panic - not syncing: Fatal exception\n";
  write_file_atomically(path, "[    0.0] Linux version\n" + std::string(1 << 20, '\n') + panic);
  EXPECT_EQ(cap_log_file(path, 64 << 10), 24u + (1 << 20) + panic.size());
  const std::string kept = read_all(path);
  EXPECT_LE(kept.size(), 64u << 10);
  EXPECT_TRUE(kept.starts_with("[    0.0] Linux version\n"));
  EXPECT_TRUE(kept.ends_with(panic));
  EXPECT_THAT(kept, HasSubstr("bytes cut here"));
}

TEST(CapLogFile, MissingFileIsNothingToDo) {
  ScratchDir dir;
  EXPECT_EQ(cap_log_file(dir.path() / "none.log", 10), 0u);
  EXPECT_FALSE(fs::exists(dir.path() / "none.log"));
}

}  // namespace
}  // namespace kmx
