// results/cell_journal: cells.jsonl appended one synced line at a time; a
// torn last line is neither read nor joined by the next append.
#include "store/cell_journal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::ElementsAre;
using namespace kmx::testing;

void append_raw(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::app) << text; }

TEST(CellJournal, LinesReadBackInTheOrderTheyWereAppended) {
  ScratchDir dir;
  CellJournal journal(dir.path() / "run" / kCellJournalFile);  // the run directory is made on first use
  journal.append({{"cell", {{"id", "a"}}}});
  journal.append({{"cell", {{"id", "b"}}}});
  EXPECT_EQ(read_file(dir.path() / "run" / kCellJournalFile), "{\"cell\":{\"id\":\"a\"}}\n{\"cell\":{\"id\":\"b\"}}\n");
  EXPECT_THAT(CellJournal::read(dir.path() / "run" / kCellJournalFile),
              ElementsAre(json{{"cell", {{"id", "a"}}}}, json{{"cell", {{"id", "b"}}}}));
}

TEST(CellJournal, AMissingJournalHasNoLines) {
  ScratchDir dir;
  EXPECT_TRUE(CellJournal::read(dir.path() / kCellJournalFile).empty());
}

TEST(CellJournal, ATornLastLineIsIgnored) {
  ScratchDir dir;
  const fs::path path = dir.path() / kCellJournalFile;
  append_raw(path, "{\"cell\":{\"id\":\"a\"}}\n{\"cell\":{\"id\":\"b\",\"tests\":[");
  EXPECT_THAT(CellJournal::read(path), ElementsAre(json{{"cell", {{"id", "a"}}}}));
}

TEST(CellJournal, ALastLineWithoutItsNewlineIsTornEvenWhenItParses) {
  ScratchDir dir;
  const fs::path path = dir.path() / kCellJournalFile;
  append_raw(path, "{\"cell\":{\"id\":\"a\"}}\n{\"cell\":{\"id\":\"b\"}}");
  EXPECT_EQ(CellJournal::read(path).size(), 1u);
}

TEST(CellJournal, AnAppendAfterATornLineDropsItInsteadOfJoiningIt) {
  ScratchDir dir;
  const fs::path path = dir.path() / kCellJournalFile;
  append_raw(path, "{\"cell\":{\"id\":\"a\"}}\n{\"cell\":{\"id\":\"b\",\"te");
  CellJournal journal(path);
  journal.append({{"cell", {{"id", "c"}}}});
  EXPECT_EQ(read_file(path), "{\"cell\":{\"id\":\"a\"}}\n{\"cell\":{\"id\":\"c\"}}\n");
}

TEST(CellJournal, AJournalThatIsOnlyATornLineStartsAgainEmpty) {
  ScratchDir dir;
  const fs::path path = dir.path() / kCellJournalFile;
  append_raw(path, "{\"cell\":");
  CellJournal(path).append({{"run", {{"run_id", "r"}}}});
  EXPECT_EQ(read_file(path), "{\"run\":{\"run_id\":\"r\"}}\n");
}

TEST(CellJournal, LinesThatAreNotObjectsAreSkipped) {
  ScratchDir dir;
  const fs::path path = dir.path() / kCellJournalFile;
  append_raw(path, "[1]\nnot json\n{\"cell\":{\"id\":\"a\"}}\n");
  EXPECT_THAT(CellJournal::read(path), ElementsAre(json{{"cell", {{"id", "a"}}}}));
}

TEST(CellJournal, InvalidUtf8IsReplacedAndCostsNoLine) {
  ScratchDir dir;
  const fs::path path = dir.path() / kCellJournalFile;
  CellJournal(path).append({{"cell", {{"id", "a"}, {"evidence", "bad \xff byte"}}}});
  const auto lines = CellJournal::read(path);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0]["cell"]["evidence"].get<std::string>(), ::testing::HasSubstr(" byte"));
}

TEST(CellJournal, RemoveDeletesTheFile) {
  ScratchDir dir;
  const fs::path path = dir.path() / kCellJournalFile;
  CellJournal journal(path);
  journal.append({{"cell", {{"id", "a"}}}});
  journal.remove();
  EXPECT_FALSE(fs::exists(path));
}

TEST(CellJournal, AFullDiskIsAnOutOfSpaceError) {
  CellJournal journal("/dev/full");
  try {
    journal.append({{"cell", {{"id", "a"}}}});
    FAIL() << "expected an error";
  } catch (const std::system_error& e) {
    EXPECT_TRUE(is_out_of_space(e)) << e.what();
    EXPECT_THAT(e.what(), ::testing::HasSubstr("/dev/full"));
  }
}

}  // namespace
}  // namespace kmx
