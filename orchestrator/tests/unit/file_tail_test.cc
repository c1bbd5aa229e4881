// vm/file_tail: reading what a guest appended across the log daemon's
// rotations, and putting its logs back into one file within their caps
// once it is gone.
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

// What virtlogd does once a log holds max_size bytes: the file becomes
// <log>.0 (an older .0 becomes .1) and a new <log> takes the rest.
void rotate(const fs::path& path, const std::string& rest) {
  if (fs::exists(path.string() + ".0")) fs::rename(path.string() + ".0", path.string() + ".1");
  fs::rename(path, path.string() + ".0");
  std::ofstream(path, std::ios::binary) << rest;
}

// What a caller that must see the end reads: every chunk until "".
std::string read_until_empty(FileTail& tail) {
  std::string seen;
  for (std::string chunk; !(chunk = tail.read_new()).empty();) seen += chunk;
  return seen;
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
  const std::string seen = read_until_empty(tail);
  EXPECT_EQ(seen.size(), content.size());
  EXPECT_TRUE(seen.ends_with("{\"ev\":\"test-end\"}\n"));
}

// Before, a tail that reopened the path stopped at the first rotation (the
// new file is shorter than the offset read): the agent's test-end, done
// and a late panic were never seen.
TEST(FileTail, FollowsTheLogDaemonsRotationWithoutLosingAByte) {
  ScratchDir dir;
  const fs::path path = dir.path() / "agent.log";
  std::ofstream(path, std::ios::binary) << "first part ";
  FileTail tail(path);
  EXPECT_EQ(tail.read_new(), "first part ");
  std::ofstream(path, std::ios::binary | std::ios::app) << "end of the first file\n";
  rotate(path, "{\"ev\":\"done\"}\n");
  const std::string seen = read_until_empty(tail);
  EXPECT_EQ(seen, "end of the first file\n{\"ev\":\"done\"}\n");
  EXPECT_TRUE(tail.rotated());
  EXPECT_EQ(tail.bytes_read(), std::string("first part ").size() + seen.size());
}

TEST(FileTail, ReadsEachFileOfTwoRotationsInOrder) {
  ScratchDir dir;
  const fs::path path = dir.path() / "console.log";
  std::ofstream(path, std::ios::binary) << "one\n";
  FileTail tail(path);
  std::string seen = tail.read_new();
  rotate(path, "two\n");
  seen += tail.read_new();
  rotate(path, "three\n");
  seen += read_until_empty(tail);
  EXPECT_EQ(seen, "one\ntwo\nthree\n");
}

TEST(FileTail, AFileNeverRotatedIsNotCalledRotated) {
  ScratchDir dir;
  const fs::path path = dir.path() / "console.log";
  std::ofstream(path, std::ios::binary) << "boot\n";
  FileTail tail(path);
  EXPECT_EQ(tail.read_new(), "boot\n");
  EXPECT_EQ(tail.read_new(), "");
  EXPECT_FALSE(tail.rotated());
  EXPECT_EQ(tail.bytes_read(), 5u);
}

TEST(FileTail, AMovedTailGoesOnWhereItWas) {
  ScratchDir dir;
  const fs::path path = dir.path() / "console.log";
  std::ofstream(path, std::ios::binary) << "0123";
  FileTail tail(path);
  EXPECT_EQ(tail.read_new(2), "01");
  FileTail moved(std::move(tail));
  EXPECT_EQ(moved.read_new(), "23");
}

TEST(JoinRotatedLog, PutsThePiecesBackOldestFirstAndRemovesThem) {
  ScratchDir dir;
  const fs::path path = dir.path() / "console.log";
  write_file_atomically(dir.path() / "console.log.1", "[    0.0] Linux version\n");
  write_file_atomically(dir.path() / "console.log.0", "flood\n");
  write_file_atomically(path, "[   99.0] Kernel panic\n");
  EXPECT_TRUE(join_rotated_log(path, 24 + 6 + 23));
  EXPECT_EQ(read_all(path), "[    0.0] Linux version\nflood\n[   99.0] Kernel panic\n");
  EXPECT_FALSE(fs::exists(dir.path() / "console.log.0"));
  EXPECT_FALSE(fs::exists(dir.path() / "console.log.1"));
  EXPECT_FALSE(fs::exists(dir.path() / "console.log.joining"));
}

TEST(JoinRotatedLog, SaysHowManyBytesTheDaemonDeleted) {
  ScratchDir dir;
  const fs::path path = dir.path() / "console.log";
  write_file_atomically(dir.path() / "console.log.0", "late\n");
  write_file_atomically(path, "last\n");
  EXPECT_TRUE(join_rotated_log(path, 1000));
  const std::string joined = read_all(path);
  EXPECT_TRUE(joined.starts_with("[kmod-matrix: 990 bytes are missing here")) << joined;
  EXPECT_TRUE(joined.ends_with("late\nlast\n"));
}

// The daemon deletes its oldest backup (past max_backups); the start of the
// boot is kept under a second name from the first rotation on.
TEST(FileTail, TheFirstFileOutlivesTheDaemonDeletingIt) {
  ScratchDir dir;
  const fs::path path = dir.path() / "console.log";
  std::ofstream(path, std::ios::binary) << "[    0.0] Linux version\n";
  FileTail tail(path);
  std::string seen = tail.read_new();
  rotate(path, "storm\n");
  seen += read_until_empty(tail);
  rotate(path, "[   99.0] Kernel panic\n");
  fs::remove(dir.path() / "console.log.1");  // the oldest, gone
  seen += read_until_empty(tail);
  EXPECT_EQ(seen, "[    0.0] Linux version\nstorm\n[   99.0] Kernel panic\n");
  EXPECT_EQ(read_all(first_log_piece(path)), "[    0.0] Linux version\n");
  EXPECT_TRUE(join_rotated_log(path, tail.bytes_read() + 1000));
  EXPECT_EQ(read_all(path),
            "[    0.0] Linux version\n\n[kmod-matrix: 1000 bytes are missing here: libvirt's log daemon rotated them "
            "away (the host read them as they came)]\nstorm\n[   99.0] Kernel panic\n");
  EXPECT_FALSE(fs::exists(first_log_piece(path)));
  EXPECT_FALSE(fs::exists(dir.path() / "console.log.0"));
}

TEST(JoinRotatedLog, TheFirstPieceStillAmongTheBackupsIsJoinedOnce) {
  ScratchDir dir;
  const fs::path path = dir.path() / "agent.log";
  write_file_atomically(dir.path() / "agent.log.1", "boot\n");
  fs::create_hard_link(dir.path() / "agent.log.1", first_log_piece(path));
  write_file_atomically(dir.path() / "agent.log.0", "middle\n");
  write_file_atomically(path, "done\n");
  EXPECT_TRUE(join_rotated_log(path, 5 + 7 + 5));
  EXPECT_EQ(read_all(path), "boot\nmiddle\ndone\n");
  EXPECT_FALSE(fs::exists(first_log_piece(path)));
  EXPECT_FALSE(fs::exists(dir.path() / "agent.log.1"));
}

TEST(JoinRotatedLog, ALogNeverRotatedIsLeftAlone) {
  ScratchDir dir;
  const fs::path path = dir.path() / "console.log";
  write_file_atomically(path, "boot\n");
  EXPECT_FALSE(join_rotated_log(path, 5));
  EXPECT_EQ(read_all(path), "boot\n");
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
