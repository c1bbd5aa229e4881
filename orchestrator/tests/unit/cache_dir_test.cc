// images/cache_dir: size report and garbage collection.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "images/cache_dir.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using namespace kmx::testing;

fs::path make_entry(CacheDir& cache, const std::string& kind, const std::string& key, std::size_t bytes) {
  return cache.ensure(kind, key,
                      [&](const fs::path& dir) { write_file_atomically(dir / "blob", std::string(bytes, 'x')); });
}

void age(const fs::path& entry, std::chrono::hours by) {
  fs::last_write_time(entry / ".last-used", fs::file_time_type::clock::now() - by);
}

TEST(CacheUsage, CountsEntriesAndBytesPerKind) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  make_entry(cache, "images", "a", 1000);
  make_entry(cache, "images", "b", 24);
  make_entry(cache, "kernels", "k", 10);
  const auto usage = cache.usage();
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[0].kind, "images");
  EXPECT_EQ(usage[0].entries, 2u);
  EXPECT_EQ(usage[0].bytes, 1024u);
  EXPECT_EQ(usage[1].kind, "kernels");
}

TEST(CacheGc, RemovesOnlyEntriesUnusedLongerThanTheLimit) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  age(make_entry(cache, "images", "old", 100), std::chrono::hours(24 * 40));
  make_entry(cache, "images", "fresh", 100);
  const auto result = cache.collect_garbage(std::chrono::hours(24 * 30), [](int) { return true; });
  EXPECT_THAT(result.removed, ElementsAre("images/old"));
  EXPECT_EQ(result.bytes, 100u);
  EXPECT_TRUE(fs::exists(dir.path() / "images/fresh"));
  EXPECT_FALSE(fs::exists(dir.path() / "images/old"));
}

TEST(CacheGc, UsingAnEntryAgainProtectsIt) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  age(make_entry(cache, "images", "reused", 10), std::chrono::hours(24 * 40));
  int builds = 0;
  cache.ensure("images", "reused", [&](const fs::path&) { ++builds; });  // a later run finds it
  EXPECT_EQ(builds, 0);
  EXPECT_TRUE(cache.collect_garbage(std::chrono::hours(24 * 30), [](int) { return true; }).removed.empty());
}

TEST(CacheGc, RemovesTemporariesOfDeadBuildsOnly) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  fs::create_directories(dir.path() / "images/x.tmp.111");
  fs::create_directories(dir.path() / "images/y.tmp.222");
  const auto result = cache.collect_garbage(std::chrono::hours(24 * 365), [](int pid) { return pid == 222; });
  EXPECT_THAT(result.removed, ElementsAre("images/x.tmp.111"));
  EXPECT_TRUE(fs::exists(dir.path() / "images/y.tmp.222"));
}

TEST(CacheGc, MissingCacheIsEmptyNotAnError) {
  CacheDir cache("/nonexistent/kmx-cache");
  EXPECT_TRUE(cache.usage().empty());
  EXPECT_TRUE(cache.collect_garbage(std::chrono::hours(1), [](int) { return false; }).removed.empty());
}

// Issue 14: an entry whose name merely contained ".tmp.<digits>" was taken
// for the temporary of a dead builder and deleted, however fresh.
TEST(CacheGc, EntryWhoseNameLooksLikeATemporaryIsAnEntry) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  const std::string key = cache_key_name("linux.tmp.5", "source");  // "linux.tmp.5-<hash>"
  make_entry(cache, "kernels", key, 10);
  const auto result = cache.collect_garbage(std::chrono::hours(24), [](int) { return false; });
  EXPECT_TRUE(result.removed.empty());
  EXPECT_TRUE(fs::exists(dir.path() / "kernels" / key));
}

// Issue 14: a builder killed mid-build left "<key>.tmp.<pid>" behind for
// good. The next build of that key, holding its lock, removes it.
TEST(CacheDir, NextBuildOfAKeyRemovesTheTemporaryOfAKilledBuilder) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  fs::create_directories(dir.path() / "images/k1.tmp.999999/half");
  fs::create_directories(dir.path() / "images/k10.tmp.999999");  // another key's: not ours to judge
  make_entry(cache, "images", "k1", 10);
  EXPECT_FALSE(fs::exists(dir.path() / "images/k1.tmp.999999"));
  EXPECT_TRUE(fs::exists(dir.path() / "images/k10.tmp.999999"));
  EXPECT_TRUE(fs::exists(dir.path() / "images/k1/blob"));
}

// Issue 29: kinds whose entries are files (accel probes, apt's answers)
// were listed with 0 entries and never collected.
TEST(CacheUsage, FileEntriesAndLooseFilesCountToo) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  make_entry(cache, "images", "a", 10);
  write_file_atomically(dir.path() / "accel/c852.txt", "kvm: no\n");
  write_file_atomically(dir.path() / "apt-show/linux-image-amd64.txt", std::string(90, 'x'));
  write_file_atomically(dir.path() / "stray", "x");
  const auto usage = cache.usage();
  ASSERT_EQ(usage.size(), 4u);
  EXPECT_EQ(usage[0].kind, "accel");
  EXPECT_EQ(usage[0].entries, 1u);
  EXPECT_EQ(usage[1].kind, "apt-show");
  EXPECT_EQ(usage[1].bytes, 90u);
  EXPECT_EQ(usage[3].kind, "(files at the top)");
  EXPECT_EQ(usage[3].entries, 1u);
}

TEST(CacheGc, OldFileEntriesGoTooAndADryRunRemovesNothing) {
  ScratchDir dir;
  CacheDir cache(dir.path());
  age(make_entry(cache, "images", "old", 100), std::chrono::hours(24 * 40));
  write_file_atomically(dir.path() / "apt-show/old.txt", std::string(7, 'x'));
  fs::last_write_time(dir.path() / "apt-show/old.txt", fs::file_time_type::clock::now() - std::chrono::hours(24 * 40));
  write_file_atomically(dir.path() / "apt-show/fresh.txt", "y");
  const auto dry = cache.collect_garbage(
      std::chrono::hours(24 * 30), [](int) { return true; }, true);
  EXPECT_THAT(dry.removed, ::testing::UnorderedElementsAre("images/old", "apt-show/old.txt"));
  EXPECT_EQ(dry.bytes, 107u);
  EXPECT_TRUE(fs::exists(dir.path() / "images/old"));
  EXPECT_TRUE(fs::exists(dir.path() / "apt-show/old.txt"));
  const auto real = cache.collect_garbage(std::chrono::hours(24 * 30), [](int) { return true; });
  EXPECT_EQ(real.removed, dry.removed);
  EXPECT_FALSE(fs::exists(dir.path() / "apt-show/old.txt"));
  EXPECT_TRUE(fs::exists(dir.path() / "apt-show/fresh.txt"));
}

}  // namespace
}  // namespace kmx
