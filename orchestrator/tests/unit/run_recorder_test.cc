// run/run_recorder: each update reaches the writers with the cells so far,
// without re-collecting the run; matrix order once, at the end.
#include "run/run_recorder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "store/cell_journal.h"
#include "store/results_json.h"
#include "store/results_json_writer.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using namespace kmx::testing;

class OrderWriter : public RunWriter {
 public:
  void on_cell(const RunResult& run, const CellResult& cell) override {
    updates.push_back(cell.cell.id() + " of " + ids(run));
  }
  void on_finish(const RunResult& run) override { finished = ids(run); }
  static std::string ids(const RunResult& run) {
    std::string out;
    for (const auto& c : run.cells) out += (out.empty() ? "" : ",") + c.cell.id();
    return out;
  }
  std::vector<std::string> updates;
  std::string finished;
};

CellResult cell(const std::string& kernel, std::string evidence = "") {
  CellResult c;
  c.cell.kernel.name = kernel;
  c.cell.kmod.name = "host";
  c.cell.vcpus = 1;
  c.cell.memory_mib = 512;
  TestResult t;
  t.test = "kmod:0001";
  t.evidence = std::move(evidence);
  c.tests.push_back(t);
  return c;
}

class RunRecorderTest : public ::testing::Test {
 protected:
  RunResult run_;
  std::atomic<bool> stop_{false};
  OrderWriter writer_;
  RunRecorder recorder_{run_, 3, {&writer_}, stop_};
};

TEST_F(RunRecorderTest, CellsSoFarAreInReportOrderDuringTheRunAndInMatrixOrderAtTheEnd) {
  recorder_.publish(2, cell("c"));
  recorder_.publish(0, cell("a"));
  recorder_.publish(2, cell("c", "second boot"));  // replaced where it is
  recorder_.publish(1, cell("b"));
  EXPECT_THAT(writer_.updates, ElementsAre("c.host.1cpu.512M of c.host.1cpu.512M",
                                           "a.host.1cpu.512M of c.host.1cpu.512M,a.host.1cpu.512M",
                                           "c.host.1cpu.512M of c.host.1cpu.512M,a.host.1cpu.512M",
                                           "b.host.1cpu.512M of c.host.1cpu.512M,a.host.1cpu.512M,b.host.1cpu.512M"));
  recorder_.finish();
  EXPECT_EQ(writer_.finished, "a.host.1cpu.512M,b.host.1cpu.512M,c.host.1cpu.512M");
  ASSERT_EQ(run_.cells.size(), 3u);
  EXPECT_EQ(run_.cells[2].tests.at(0).evidence, "second boot");
}

TEST_F(RunRecorderTest, AResultIsTheLatestPublishedOrNoneYet) {
  EXPECT_FALSE(recorder_.result(1).has_value());
  recorder_.publish(1, cell("b", "first"));
  recorder_.publish(1, cell("b", "latest"));
  ASSERT_TRUE(recorder_.result(1).has_value());
  EXPECT_EQ(recorder_.result(1)->tests.at(0).evidence, "latest");
}

TEST_F(RunRecorderTest, RestoredCellsShowWithTheNextUpdateAndCountAtTheEnd) {
  recorder_.restore(0, cell("a", "from the killed run"));
  EXPECT_TRUE(writer_.updates.empty());
  recorder_.publish(1, cell("b"));
  EXPECT_THAT(writer_.updates, ElementsAre("b.host.1cpu.512M of a.host.1cpu.512M,b.host.1cpu.512M"));
  recorder_.finish();
  EXPECT_EQ(writer_.finished, "a.host.1cpu.512M,b.host.1cpu.512M");
  EXPECT_EQ(recorder_.result(0)->tests.at(0).evidence, "from the killed run");  // positions follow the sort
}

// SIGINT and SIGTERM only set the stop flag: the run still ends through
// finish, which renders results.json from the journal's cells.
TEST(RunRecorderWithResultsJson, AnInterruptedRunRendersResultsJsonAtFinishAndDropsTheJournal) {
  ScratchDir dir;
  RunResult run;
  run.run_id = "20261202-010000-7";
  std::atomic<bool> stop{false};
  ResultsJsonWriter writer(dir.path());
  RunRecorder recorder(run, 2, {&writer}, stop);
  recorder.publish(1, cell("b"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "results.json"));
  EXPECT_EQ(CellJournal::read(dir.path() / kCellJournalFile).size(), 2u);  // header and cell
  stop = true;                                                             // what the signal handler does
  recorder.finish();
  const RunResult written = read_run_result(dir.path());
  ASSERT_EQ(written.cells.size(), 1u);
  EXPECT_EQ(written.cells[0].cell.id(), "b.host.1cpu.512M");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / kCellJournalFile));
}

}  // namespace
}  // namespace kmx
