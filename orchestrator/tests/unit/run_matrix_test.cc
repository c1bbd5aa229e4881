// run/run_matrix, run/run_recorder and run/cell_pool: the whole run over a
// fake image source and a fake hypervisor; results reach the writers only.
#include "run/run_matrix.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "builtin_matrix.h"
#include "fake_host.h"
#include "fakes.h"
#include "run/cell_pool.h"
#include "store/results_json.h"
#include "store/results_json_writer.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using namespace kmx::testing;

constexpr std::string_view kTwoKernels =
    "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
    "[[kernel]]\nname = \"k1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
    "[[kernel]]\nname = \"k2\"\npackage = \"linux-image-6.12.57+deb12-amd64\"\n"
    "[[kmod]]\nname = \"host\"\n";

class FakeImageSource : public ImageSource {
 public:
  Image image_for(const Cell& cell) override {
    ++calls;
    if (auto it = errors.find(cell.kernel.name); it != errors.end()) throw ImageError(it->second);
    if (cell.kernel.name == unknown) throw UnknownInputError("no such kernel " + unknown);
    return Image{"img-" + cell.kernel.name, "6.1.0-56-amd64", "/cache/vmlinuz", "/cache/initrd.cpio"};
  }
  std::vector<std::string> resolve_inputs(const Matrix&) override { return {}; }
  std::map<std::string, std::string> errors;  // by kernel name: ImageError
  std::string unknown;                        // this kernel: UnknownInputError
  int calls = 0;
};

class RecordingWriter : public RunWriter {
 public:
  void on_cell(const RunResult& run, const CellResult& cell) override {
    updates.push_back(cell.cell.id() + " " + std::to_string(run.cells.size()));
  }
  void on_finish(const RunResult& run) override {
    ++finished;
    final_cells = run.cells.size();
  }
  std::vector<std::string> updates;
  int finished = 0;
  std::size_t final_cells = 0;
};

ScriptedBoot passing_boot(const std::string& test) {
  ScriptedBoot boot;
  boot.agent = {ev_boot(), ev_start(test) + ev_end(test, 0), ev_done()};
  boot.console = {"[    1.0] Run /init as init process\n", begin_marker(test) + end_marker(test)};
  boot.running_polls = 3;
  return boot;
}

class RunMatrix : public ::testing::Test {
 protected:
  RunMatrix() : matrix_(parse_matrix_text(kTwoKernels, "run.toml")) {
    settings_.run_id = "20261122-233800-100";
    settings_.run_dir = dir_.path();
    settings_.owner_pid = 100;
    settings_.hosts = {fake_host(driver_)};
    settings_.writers = {&writer_};
  }
  RunResult run() { return run_matrix(matrix_, images_, clock_, settings_); }

  ScratchDir dir_;
  Matrix matrix_;
  FakeImageSource images_;
  FakeVmDriver driver_;
  FakeClock clock_;
  RecordingWriter writer_;
  RunSettings settings_;
};

TEST_F(RunMatrix, EveryCellRunsAndEveryBootReachesTheWriters) {
  driver_.add_boot(passing_boot("kmod:0001"));
  driver_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 2u);
  EXPECT_EQ(r.cells[0].tests.at(0).verdict, Verdict::kPass);
  EXPECT_EQ(r.cells[1].tests.at(0).verdict, Verdict::kPass);
  EXPECT_EQ(r.accel, "tcg");
  EXPECT_EQ(writer_.finished, 1);
  EXPECT_EQ(writer_.final_cells, 2u);
  // One update after the boot, one at the cell's end, for each cell.
  EXPECT_THAT(writer_.updates,
              ElementsAre("k1.host.1cpu.512M 1", "k1.host.1cpu.512M 1", "k2.host.1cpu.512M 2", "k2.host.1cpu.512M 2"));
}

// The first cell's VM is named ahead as soon as its image and accelerator
// are known, the next ones while a cell runs; each is then started as is.
TEST_F(RunMatrix, EveryCellsVmIsPreparedAheadAndThenStartedAsIs) {
  matrix_ = parse_matrix_text(
      "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [256, 512, 768]\n"
      "[[kernel]]\nname = \"k1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n[[kmod]]\nname = \"host\"\n",
      "run.toml");
  for (int i = 0; i < 3; ++i) driver_.add_boot(passing_boot("kmod:0001"));
  run();
  ASSERT_EQ(driver_.started.size(), 3u);
  ASSERT_EQ(driver_.prepared.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(driver_.prepared[i], driver_.started[i]) << i;
}

// QEMU's and libvirt's versions are asked for beside the first VM's making,
// and are in the run's header all the same.
TEST_F(RunMatrix, HostFactsCollectedLaterAreWaitedForOnceTheFirstVmIsNamed) {
  driver_.add_boot(passing_boot("kmod:0001"));
  driver_.add_boot(passing_boot("kmod:0001"));
  std::size_t prepared_when_asked = 99;
  settings_.host.qemu_version = "not yet";
  settings_.host_later = std::async(std::launch::deferred, [&] {
                           prepared_when_asked = driver_.prepared.size();
                           HostFacts facts;
                           facts.qemu_version = "QEMU emulator version 7.2.22";
                           return facts;
                         }).share();
  const RunResult r = run();
  EXPECT_EQ(prepared_when_asked, 1u);
  EXPECT_EQ(driver_.started.size(), 2u);
  EXPECT_EQ(r.host.qemu_version, "QEMU emulator version 7.2.22");
}

TEST_F(RunMatrix, AOneCellRunsVmIsPreparedAheadToo) {
  matrix_ = parse_matrix_text(
      "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [256]\n"
      "[[kernel]]\nname = \"k1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n[[kmod]]\nname = \"host\"\n",
      "run.toml");
  driver_.add_boot(passing_boot("kmod:0001"));
  run();
  ASSERT_EQ(driver_.started.size(), 1u);
  ASSERT_EQ(driver_.prepared.size(), 1u);
  EXPECT_EQ(driver_.prepared[0], driver_.started[0]);
}

TEST_F(RunMatrix, WritesNoResultsFileItself) {
  driver_.add_boot(passing_boot("kmod:0001"));
  driver_.add_boot(passing_boot("kmod:0001"));
  run();
  EXPECT_FALSE(fs::exists(dir_.path() / "results.json"));
  EXPECT_FALSE(fs::exists(dir_.path() / "matrix.txt"));
}

TEST_F(RunMatrix, UnknownInputStopsTheRunBeforeAnyBoot) {
  images_.unknown = "k1";
  EXPECT_THROW(run(), UnknownInputError);
  EXPECT_THAT(driver_.started, IsEmpty());
  EXPECT_EQ(writer_.finished, 0);
}

TEST_F(RunMatrix, UnknownInputFoundWhileCellsRunIsRecordedThenThrown) {
  images_.unknown = "k2";  // k2's image is prepared beside k1's cell
  driver_.add_boot(passing_boot("kmod:0001"));
  EXPECT_THROW(run(), UnknownInputError);
  EXPECT_EQ(driver_.started.size(), 1u);
  EXPECT_EQ(writer_.finished, 1);
  EXPECT_EQ(writer_.final_cells, 2u);
}

TEST_F(RunMatrix, LaterImagesArePreparedOnceEachAndTheirCellsRun) {
  matrix_ = parse_matrix_text(std::string(kTwoKernels).replace(kTwoKernels.find("[512]"), 5, "[512, 640]"), "run.toml");
  for (int i = 0; i < 4; ++i) driver_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 4u);
  for (const auto& cell : r.cells) EXPECT_EQ(cell.tests.at(0).verdict, Verdict::kPass) << cell.cell.id();
  EXPECT_EQ(driver_.started.size(), 4u);
  EXPECT_EQ(images_.calls, 2);  // one per kernel, not one per cell
}

TEST_F(RunMatrix, ACellWithoutImageIsErrorAndTheOthersStillRun) {
  images_.errors["k1"] = "apt-get download failed";
  driver_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 2u);
  EXPECT_EQ(r.cells[0].tests.at(0).verdict, Verdict::kError);
  EXPECT_THAT(r.cells[0].tests.at(0).evidence, HasSubstr("apt-get download failed"));
  EXPECT_EQ(r.cells[1].tests.at(0).verdict, Verdict::kPass);
  EXPECT_EQ(driver_.started.size(), 1u);
}

TEST_F(RunMatrix, StopBeforeStartBootsNothingAndStillFinishes) {
  std::atomic<bool> stop{true};
  settings_.stop = &stop;
  const RunResult r = run();
  EXPECT_THAT(driver_.started, IsEmpty());
  EXPECT_THAT(r.cells, IsEmpty());
  EXPECT_EQ(writer_.finished, 1);
}

// What an interrupted run recorded for a cell: kmod:0001 passed.
CellResult decided_cell() {
  CellResult done;
  TestResult t;
  t.test = "kmod:0001";
  t.verdict = Verdict::kPass;
  t.as_expected = true;
  done.tests = {t};
  return done;
}

TEST_F(RunMatrix, ResumeKeepsDecidedCellsAndBootsOnlyTheRest) {
  const CellResult done = decided_cell();
  settings_.previous["k1.host.1cpu.512M"] = done;
  driver_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 2u);
  EXPECT_EQ(r.cells[0].cell.kernel.name, "k1");  // the resumed cell gets its Cell back
  EXPECT_EQ(r.cells[0].tests.at(0).verdict, Verdict::kPass);
  ASSERT_EQ(driver_.started.size(), 1u);
  EXPECT_THAT(driver_.started[0].name, HasSubstr("-c1-"));
}

TEST_F(RunMatrix, ResumedCellsSurviveAStopBeforeAnyCellRuns) {
  CellResult done;
  settings_.previous["k1.host.1cpu.512M"] = done;
  std::atomic<bool> stop{true};
  settings_.stop = &stop;
  const RunResult r = run();
  EXPECT_EQ(writer_.final_cells, 1u);
  EXPECT_EQ(r.cells.size(), 1u);
}

TEST_F(RunMatrix, AShardRunsOnlyItsCellsAndRecordsWhichShardItIs) {
  settings_.shard = ShardRecord{2, 2, {"k2.host.1cpu.512M"}, "limits"};
  driver_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 1u);
  EXPECT_EQ(r.cells[0].cell.id(), "k2.host.1cpu.512M");
  EXPECT_EQ(r.shard, settings_.shard);
  ASSERT_EQ(driver_.started.size(), 1u);
  EXPECT_THAT(driver_.started[0].name, HasSubstr("-c1-"));  // the cell keeps its matrix index
  EXPECT_EQ(images_.calls, 1);                              // no image for the other shard's cell
}

TEST_F(RunMatrix, AResumedShardRestoresItsDecidedCell) {
  settings_.shard = ShardRecord{2, 2, {"k2.host.1cpu.512M"}, "limits"};
  settings_.previous["k2.host.1cpu.512M"] = decided_cell();
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 1u);
  EXPECT_EQ(r.cells[0].cell.kernel.name, "k2");
  EXPECT_TRUE(driver_.started.empty());
}

TEST_F(RunMatrix, AVmThatWillNotStartIsRetriedBeforeItCountsAsError) {
  ScriptedBoot refuses;
  refuses.start_error = "internal error: process exited while connecting to monitor";
  driver_.add_boot(refuses);
  driver_.add_boot(passing_boot("kmod:0001"));
  driver_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  EXPECT_EQ(driver_.started.size(), 3u);
  EXPECT_EQ(r.cells[0].tests.at(0).verdict, Verdict::kPass);
  EXPECT_EQ(r.cells[1].tests.at(0).verdict, Verdict::kPass);
}

TEST_F(RunMatrix, AVmThatNeverStartsIsErrorAfterEveryRetryIsCounted) {
  // No scripted boot: every start fails. 3 start attempts, then 2
  // infrastructure retries of 3 attempts each, per cell.
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 2u);
  for (const auto& cell : r.cells) {
    EXPECT_EQ(cell.tests.at(0).verdict, Verdict::kError);
    EXPECT_THAT(cell.tests.at(0).evidence, HasSubstr("no scripted boot left"));
    EXPECT_EQ(cell.boots.size(), 9u);
  }
  EXPECT_EQ(driver_.started.size(), 18u);
  EXPECT_EQ(r.unexpected_count(), 2u);
}

// Issue 14: an exception in a cell's worker thread ended the process
// (std::terminate) with results.json as of the boot before.
TEST_F(RunMatrix, ACellWhoseWorkerThrowsIsErrorAndTheRunGoesOn) {
  ResultsJsonWriter json_writer(dir_.path());
  settings_.writers = {&writer_, &json_writer};
  ScriptedBoot broken;
  broken.agent = {ev_boot(), ev_start("kmod:0001")};
  broken.read_error = "agent.log: Input/output error";
  driver_.add_boot(broken);
  driver_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 2u);
  EXPECT_EQ(r.cells[0].tests.at(0).verdict, Verdict::kError);
  EXPECT_EQ(r.cells[0].tests.at(0).evidence, "harness error: agent.log: Input/output error");
  EXPECT_EQ(r.cells[1].tests.at(0).verdict, Verdict::kPass);
  EXPECT_THAT(driver_.destroyed, ::testing::Contains(driver_.started.at(0).name));
  EXPECT_EQ(r.recording_failure, "");
  const RunResult written = read_run_result(dir_.path());
  ASSERT_EQ(written.cells.size(), 2u);
  EXPECT_EQ(written.cells[0].tests.at(0).verdict, Verdict::kError);
  EXPECT_EQ(written.finished_at, r.finished_at);
}

// Fails every write with ENOSPC, as a full disk does.
class FullDiskWriter : public RunWriter {
 public:
  void on_cell(const RunResult&, const CellResult&) override { fail(); }
  void on_finish(const RunResult&) override { fail(); }
  int attempts = 0;

 private:
  void fail() {
    throw fs::filesystem_error("cannot write results.json (attempt " + std::to_string(++attempts) + ")",
                               std::make_error_code(std::errc::no_space_on_device));
  }
};

// Issue 14: a full disk while writing results escaped the worker thread
// (std::terminate); it now stops the run once, with what it has.
TEST_F(RunMatrix, AFullDiskStopsTheRunOnceAndCleanly) {
  FullDiskWriter full;
  settings_.writers = {&full, &writer_};
  driver_.add_boot(passing_boot("kmod:0001"));
  driver_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  EXPECT_THAT(r.recording_failure, HasSubstr("(attempt 1)"));
  EXPECT_THAT(r.recording_failure, HasSubstr("No space left on device"));
  EXPECT_EQ(driver_.started.size(), 1u);  // the second cell never starts
  EXPECT_EQ(writer_.finished, 1);         // the other writers still get everything
  EXPECT_GT(full.attempts, 1);
}

TEST_F(RunMatrix, AFullDiskInsideACellStopsTheRunToo) {
  ScriptedBoot broken;
  broken.agent = {ev_boot(), ev_start("kmod:0001")};
  broken.read_error = "cannot write tests/kmod-0001.log";
  broken.read_errno = ENOSPC;
  driver_.add_boot(broken);
  driver_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  EXPECT_THAT(r.recording_failure, HasSubstr("cannot write tests/kmod-0001.log"));
  EXPECT_EQ(driver_.started.size(), 1u);
  EXPECT_THAT(driver_.destroyed, ::testing::Contains(driver_.started.at(0).name));
  EXPECT_EQ(writer_.finished, 1);
}

// Several hosts: a host lost mid-cell costs only its tests in flight.
class RunMatrixOnTwoHosts : public RunMatrix {
 protected:
  RunMatrixOnTwoHosts() {
    settings_.hosts = {fake_host(driver_, "test:///a"), fake_host(other_, "test:///b")};
    driver_.local = other_.local = false;
  }
  // Boots, starts `test`, and then the host goes away.
  static ScriptedBoot boot_losing_the_host(const std::string& test, const std::string& finished = "") {
    ScriptedBoot boot;
    boot.agent = {ev_boot(), (finished.empty() ? "" : ev_start(finished) + ev_end(finished, 0)) + ev_start(test)};
    boot.console = {"[    1.0] Run /init as init process\n",
                    (finished.empty() ? "" : begin_marker(finished) + end_marker(finished)) + begin_marker(test)};
    boot.running_polls = 3;
    boot.lose_host = true;
    return boot;
  }
  FakeVmDriver other_;
};

TEST_F(RunMatrixOnTwoHosts, TheCellsOfALostHostMoveToTheOtherAndEachNamesItsHost) {
  driver_.add_boot(boot_losing_the_host("kmod:0001"));
  other_.add_boot(passing_boot("kmod:0001"));
  other_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 2u);
  for (const auto& cell : r.cells) {
    EXPECT_EQ(cell.tests.at(0).verdict, Verdict::kPass) << cell.cell.id();
    EXPECT_EQ(cell.host, "test:///b");
  }
  ASSERT_EQ(r.cells[0].boots.size(), 2u);
  EXPECT_EQ(r.cells[0].boots[0].end, "host-lost");
  EXPECT_EQ(r.cells[0].boots[0].host, "test:///a");
  EXPECT_EQ(r.cells[0].boots[1].host, "test:///b");
  EXPECT_EQ(r.cells[0].tests[0].boot, 2);
  ASSERT_EQ(r.hosts.size(), 2u);
  EXPECT_TRUE(r.hosts[0].lost);
  EXPECT_FALSE(r.hosts[1].lost);
  EXPECT_EQ(driver_.started.size(), 1u);  // nothing more went to the lost host
}

// The remote-host failover e2e test found this: the host went while the
// guest was still booting, and the requeued cell had every test ERROR.
TEST_F(RunMatrixOnTwoHosts, AHostLostBeforeTheAgentBootedLeavesTheTestsToTheOtherHost) {
  ScriptedBoot booting;
  booting.console = {"[    0.000000] Linux version 6.1.0-56-amd64\n"};
  booting.running_polls = 3;
  booting.lose_host = true;
  driver_.add_boot(booting);
  other_.add_boot(passing_boot("kmod:0001"));
  other_.add_boot(passing_boot("kmod:0001"));
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 2u);
  for (const auto& cell : r.cells) {
    ASSERT_EQ(cell.tests.size(), 1u) << cell.cell.id();
    EXPECT_EQ(cell.tests[0].verdict, Verdict::kPass) << cell.cell.id() << ": " << cell.tests[0].evidence;
    EXPECT_EQ(cell.host, "test:///b");
  }
  EXPECT_EQ(r.cells[0].boots.at(0).end, "host-lost");
}

TEST_F(RunMatrixOnTwoHosts, TestsDecidedBeforeTheLossKeepTheirVerdicts) {
  matrix_ = parse_matrix_text(
      "tests = [\"kmod:0001\", \"kmod:0002\"]\nvcpus = [1]\nmemory_mib = [512]\n"
      "[[kernel]]\nname = \"k1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n[[kmod]]\nname = \"host\"\n",
      "run.toml");
  driver_.add_boot(boot_losing_the_host("kmod:0002", "kmod:0001"));
  other_.add_boot(passing_boot("kmod:0002"));
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 1u);
  ASSERT_EQ(r.cells[0].tests.size(), 2u);
  EXPECT_EQ(r.cells[0].tests[0].verdict, Verdict::kPass);
  EXPECT_EQ(r.cells[0].tests[0].boot, 1);  // decided on the lost host, kept
  EXPECT_EQ(r.cells[0].tests[1].verdict, Verdict::kPass);
  EXPECT_EQ(r.cells[0].tests[1].boot, 2);
  ASSERT_EQ(other_.started.size(), 1u);
  EXPECT_THAT(other_.started[0].cmdline, HasSubstr("kmx.tests=kmod:0002@"));
  EXPECT_THAT(other_.started[0].cmdline, Not(HasSubstr("kmod:0001")));
}

TEST_F(RunMatrixOnTwoHosts, WhenEveryHostIsLostWhatIsLeftIsError) {
  driver_.add_boot(boot_losing_the_host("kmod:0001"));
  other_.add_boot(boot_losing_the_host("kmod:0001"));
  const RunResult r = run();
  ASSERT_EQ(r.cells.size(), 2u);
  for (const auto& cell : r.cells) {
    ASSERT_EQ(cell.tests.size(), 1u);
    EXPECT_EQ(cell.tests[0].verdict, Verdict::kError);
    EXPECT_THAT(cell.tests[0].evidence, HasSubstr("every libvirt host of the run was lost"));
  }
  EXPECT_TRUE(r.hosts[0].lost);
  EXPECT_TRUE(r.hosts[1].lost);
}

}  // namespace
}  // namespace kmx
