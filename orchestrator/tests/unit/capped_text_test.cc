// run/capped_text: a guest channel in memory, first and last part, never
// more than the cap.
#include "run/capped_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kmx {
namespace {

using ::testing::HasSubstr;

TEST(CappedText, BelowTheCapKeepsEverything) {
  CappedText text(100);
  text.append("hello ");
  text.append("world\n");
  EXPECT_FALSE(text.over_cap());
  EXPECT_EQ(text.total_bytes(), 12u);
  EXPECT_EQ(text.take(), "hello world\n");
}

TEST(CappedText, ExactlyTheCapIsNotOver) {
  CappedText text(8);
  text.append("12345678");
  EXPECT_FALSE(text.over_cap());
  EXPECT_EQ(text.take(), "12345678");
}

// Issue 14: a chunk that would cross the cap was dropped whole while later
// small chunks were appended, so a panic line could be lost.
TEST(CappedText, AChunkCrossingTheCapKeepsItsEndAndWhatFollows) {
  CappedText text(1000);
  text.append(std::string(700, 'a'));
  text.append(std::string(600, 'b') + "\nKernel panic - not syncing: X\n");
  text.append("[ 9.0] reboot\n");
  EXPECT_TRUE(text.over_cap());
  const std::string kept = text.take();
  EXPECT_TRUE(kept.starts_with(std::string(700, 'a') + std::string(50, 'b')));
  EXPECT_THAT(kept, HasSubstr("bytes cut here"));
  EXPECT_TRUE(kept.ends_with("\nKernel panic - not syncing: X\n[ 9.0] reboot\n"));
}

TEST(CappedText, MemoryStaysWithinTheCapWhateverIsAppended) {
  CappedText text(4096);
  for (int i = 0; i < 100000; ++i) text.append(std::to_string(i) + "\n");
  EXPECT_EQ(text.total_bytes(), 588890u);
  const std::string kept = text.take();
  EXPECT_LE(kept.size(), 4096u + 100u);  // the cap plus the note
  EXPECT_TRUE(kept.starts_with("0\n1\n2\n"));
  EXPECT_TRUE(kept.ends_with("99998\n99999\n"));
}

TEST(CappedText, RingWrapsInSmallPieces) {
  CappedText text(8);  // head 6, ring 2
  for (char c : std::string("abcdefghijk")) text.append(std::string(1, c));
  const std::string kept = text.take();
  EXPECT_TRUE(kept.starts_with("abcdef"));
  EXPECT_TRUE(kept.ends_with("jk"));
  EXPECT_THAT(kept, HasSubstr("[kmod-matrix: 3 bytes cut here"));
}

}  // namespace
}  // namespace kmx
