// boundary/matrix_probe_runner: the matrix reduced to one kernel and kmod,
// each probe a real run_matrix of that cell at the probed value (a fake
// image source and hypervisor stand in), and a whole search recorded
// through it: every probe's own results.json, boundary.json beside them.
#include "boundary/matrix_probe_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "boundary/boundary_report.h"
#include "builtin_matrix.h"
#include "fake_host.h"
#include "fakes.h"
#include "os/files.h"
#include "store/results_json.h"
#include "store/results_json_writer.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace kmx::testing;

constexpr std::string_view kTwoKernels =
    "name = \"oom-edge\"\ntests = [\"kmod:0001\", \"kmod:0006\"]\nvcpus = [2]\nmemory_mib = [512, 1024]\n"
    "reruns = 2\n"
    "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
    "[[kernel]]\nname = \"debian-6.12\"\npackage = \"linux-image-6.12.95+deb12-amd64\"\n"
    "[[kmod]]\nname = \"host\"\n"
    "[[expect]]\ntest = \"kmod:0006\"\nverdict = \"OOM\"\n";

class OneImage : public ImageSource {
 public:
  Image image_for(const Cell& cell) override {
    return Image{"img-" + cell.kernel.name, "6.12.95+deb12-amd64", "/cache/vmlinuz", "/cache/initrd.cpio"};
  }
  std::vector<std::string> resolve_inputs(const Matrix&) override { return {}; }
};

ScriptedBoot boot_exiting(const std::string& test, int exit_code) {
  ScriptedBoot boot;
  boot.agent = {ev_boot(), ev_start(test) + ev_end(test, exit_code), ev_done()};
  boot.console = {"[    1.0] Run /init as init process\n", begin_marker(test) + end_marker(test)};
  boot.running_polls = 3;
  return boot;
}

std::string error_of(const std::string& kernel, const std::string& kmod, const std::string& test,
                     std::string_view text = kTwoKernels) {
  try {
    reduce_to_one_cell(parse_matrix_text(text, "m.toml"), kernel, kmod, test, BoundaryAxis::kMemory);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(BoundaryProbeMatrix, AKernelIsPickedByNameFromABiggerMatrix) {
  const Matrix m = reduce_to_one_cell(parse_matrix_text(kTwoKernels, "m.toml"), "debian-6.12", "", "kmod:0006",
                                      BoundaryAxis::kMemory);
  ASSERT_EQ(m.kernels.size(), 1u);
  EXPECT_EQ(m.kernels[0].name, "debian-6.12");
  EXPECT_EQ(m.kmods[0].name, "host");
}

TEST(BoundaryProbeMatrix, AnAmbiguousOrUnknownPickSaysWhichNamesExist) {
  EXPECT_THAT(error_of("", "", "kmod:0006"),
              HasSubstr("m.toml has 2 kernels; a boundary search runs one\n  fix: pick one with --kernel NAME "
                        "(one of: debian-6.1, debian-6.12)"));
  EXPECT_THAT(error_of("debian-7", "", "kmod:0006"),
              HasSubstr("--kernel debian-7: m.toml has no [[kernel]] of that name\n  fix: one of: debian-6.1"));
  EXPECT_THAT(error_of("debian-6.1", "busybox", "kmod:0006"), HasSubstr("--kmod busybox: "));
}

TEST(BoundaryProbeMatrix, OnlyAKnownTestIdIsSearched) {
  EXPECT_THAT(error_of("debian-6.1", "", "kmod:*"), HasSubstr("fix: name one test"));
  EXPECT_THAT(error_of("debian-6.1", "", "kmod:9999"), HasSubstr("--test kmod:9999"));
}

TEST(BoundaryProbeMatrix, TheOtherAxisMustHaveOneValue) {
  std::string text(kTwoKernels);
  text.replace(text.find("vcpus = [2]"), 11, "vcpus = [1, 2]");
  EXPECT_THAT(error_of("debian-6.1", "", "kmod:0006", text),
              HasSubstr("has 2 vCPU counts; a search over memory_mib keeps the other axis at one value"));
  // Searching vCPUs, the matrix's two memory sizes are the problem instead.
  try {
    reduce_to_one_cell(parse_matrix_text(kTwoKernels, "m.toml"), "debian-6.1", "", "kmod:0006", BoundaryAxis::kVcpus);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("has 2 memory sizes"));
  }
}

TEST(BoundaryProbeMatrix, AProbesMatrixIsOneCellOneTestAtTheValue) {
  ProbeRunnerSetup setup;
  setup.matrix = reduce_to_one_cell(parse_matrix_text(kTwoKernels, "m.toml"), "debian-6.1", "", "kmod:0006",
                                    BoundaryAxis::kMemory);
  setup.test = "kmod:0006";
  const Matrix m = matrix_for_probe(setup, 192);
  EXPECT_THAT(m.memory_mib, ElementsAre(192));  // the matrix's 512 and 1024 are replaced
  EXPECT_THAT(m.vcpus, ElementsAre(2));
  EXPECT_THAT(m.tests, ElementsAre("kmod:0006"));
  EXPECT_EQ(m.reruns, 0);
  EXPECT_TRUE(m.expectations.empty());
  EXPECT_EQ(probe_name(BoundaryAxis::kVcpus, 4, 2), "vcpus-4-2");
}

class BoundaryProbeRun : public ::testing::Test {
 protected:
  BoundaryProbeRun() {
    setup_.matrix = reduce_to_one_cell(parse_matrix_text(kTwoKernels, "m.toml"), "debian-6.12", "", "kmod:0006",
                                       BoundaryAxis::kMemory);
    setup_.test = "kmod:0006";
    setup_.results_dir = dir_.path();
    setup_.settings.run_id = "boundary-1";
    setup_.settings.owner_pid = 100;
    setup_.settings.hosts = {fake_host(driver_)};
    setup_.writers_for = [this](const fs::path& run_dir) {
      writer_ = std::make_unique<ResultsJsonWriter>(run_dir);
      return std::vector<RunWriter*>{writer_.get()};
    };
  }
  ScratchDir dir_;
  ProbeRunnerSetup setup_;
  OneImage images_;
  FakeVmDriver driver_;
  FakeClock clock_;
  std::unique_ptr<ResultsJsonWriter> writer_;
};

TEST_F(BoundaryProbeRun, EachProbeBootsTheValueIntoItsOwnRunDirectory) {
  driver_.add_boot(boot_exiting("kmod:0006", 1));
  MatrixProbeRunner runner(setup_, images_, clock_);
  const auto record = runner.run(192, 2);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->verdict, Verdict::kFail);
  EXPECT_EQ(record->run_dir, "probes/memory_mib-192-2");
  ASSERT_EQ(driver_.started.size(), 1u);
  EXPECT_EQ(driver_.started[0].memory_mib, 192);
  EXPECT_EQ(driver_.started[0].vcpus, 2);
  const RunResult run = read_run_result(dir_.path() / "probes/memory_mib-192-2");
  EXPECT_EQ(run.run_id, "boundary-1-memory_mib-192-2");
  ASSERT_EQ(run.cells.size(), 1u);
  EXPECT_EQ(run.cells[0].cell.memory_mib, 192);
}

TEST_F(BoundaryProbeRun, AWholeSearchEndToEndLeavesEveryProbeAndTheReport) {
  // 64..320 step 64, FAIL below 192: the order the search probes in.
  for (int value : {64, 320, 192, 128, 128, 128, 192, 192})
    driver_.add_boot(boot_exiting("kmod:0006", value < 192 ? 1 : 0));
  MatrixProbeRunner runner(setup_, images_, clock_);
  BoundaryReport report;
  report.boundary_id = "boundary-1";
  report.kernel = "debian-6.12";
  report.kmod = "host";
  report.test = "kmod:0006";
  report.plan = {BoundaryAxis::kMemory, {64, 320, 64}, {}, 3};
  search_and_record(report, runner, dir_.path());
  EXPECT_EQ(report.result.status, BoundaryStatus::kFound);
  EXPECT_EQ(report.result.first_good, 192);
  std::vector<int> booted;
  for (const auto& spec : driver_.started) booted.push_back(spec.memory_mib);
  EXPECT_THAT(booted, ElementsAre(64, 320, 192, 128, 128, 128, 192, 192));
  for (const char* probe : {"memory_mib-64-1", "memory_mib-128-3", "memory_mib-192-3"})
    EXPECT_TRUE(fs::exists(dir_.path() / "probes" / probe / "results.json")) << probe;
  const auto json = nlohmann::json::parse(read_file(dir_.path() / "boundary.json"));
  EXPECT_EQ(json["result"]["first_good"], 192);
  EXPECT_EQ(json["probes"].size(), 8u);
  EXPECT_TRUE(fs::exists(dir_.path() / "boundary.html"));
  EXPECT_EQ(render_boundary_summary(report),
            "kmod:0006 on debian-6.12/host: FAIL below 192 MiB, PASS from 192 MiB (3/3 each edge)");
}

TEST_F(BoundaryProbeRun, AnInterruptedProbeGivesNoVerdict) {
  std::atomic<bool> stop{true};
  setup_.settings.stop = &stop;
  MatrixProbeRunner runner(setup_, images_, clock_);
  EXPECT_FALSE(runner.run(64, 1));
}

}  // namespace
}  // namespace kmx
