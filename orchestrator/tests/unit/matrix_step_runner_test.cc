// bisect/matrix_step_runner: a revision put into the matrix's one cell as a
// `source` kmod or kernel, built once, run in a fresh boot per run (a fake
// image source and hypervisor stand in).
#include "bisect/matrix_step_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "builtin_matrix.h"
#include "fake_host.h"
#include "fakes.h"
#include "images/source_kernel_provider.h"
#include "images/source_kmod_provider.h"
#include "store/results_json_writer.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using namespace kmx::testing;

constexpr std::string_view kOneCell =
    "tests = [\"kmod:0001\", \"kmod:0009\"]\nvcpus = [2]\nmemory_mib = [1024]\nreruns = 2\n"
    "[rounds]\n\"kmod:0009\" = 20\n"
    "[[kernel]]\nname = \"debian-6.12\"\npackage = \"linux-image-6.12.95+deb12-amd64\"\n"
    "[[kmod]]\nname = \"host\"\n"
    "[[expect]]\ntest = \"kmod:0009\"\nverdict = \"FAIL\"\n";

const std::string kCommit = "0123456789abcdef0123456789abcdef01234567";

class RecordingImageSource : public ImageSource {
 public:
  Image image_for(const Cell& cell) override {
    cells.push_back(cell);
    if (!error.empty()) throw ImageError(error);
    return Image{"img-" + cell.kmod.name, "6.12.95+deb12-amd64", "/cache/vmlinuz", "/cache/initrd.cpio"};
  }
  std::vector<std::string> resolve_inputs(const Matrix&) override { return {}; }
  std::vector<Cell> cells;
  std::string error;
};

ScriptedBoot failing_boot(const std::string& test) {
  ScriptedBoot boot;
  boot.agent = {ev_boot(), ev_start(test) + ev_output(test, "FAIL: round 1: -EINVAL") + ev_end(test, 1), ev_done()};
  boot.console = {"[    1.0] Run /init as init process\n", begin_marker(test) + end_marker(test)};
  boot.running_polls = 3;
  return boot;
}

class MatrixStepRunnerTest : public ::testing::Test {
 protected:
  MatrixStepRunnerTest() {
    setup_.matrix = parse_matrix_text(kOneCell, "m.toml");
    setup_.test = "kmod:0009";
    setup_.materialise = [this](const std::string& commit) {
      materialised_.push_back(commit);
      return fs::path("/work/bisect/src");
    };
    setup_.results_dir = dir_.path();
    setup_.settings.run_id = "bisect-1";
    setup_.settings.owner_pid = 100;
    setup_.settings.hosts = {fake_host(driver_)};
    setup_.writers_for = [this](const fs::path& run_dir) {
      writer_ = std::make_unique<ResultsJsonWriter>(run_dir);
      return std::vector<RunWriter*>{writer_.get()};
    };
  }
  ScratchDir dir_;
  StepRunnerSetup setup_;
  std::vector<std::string> materialised_;
  RecordingImageSource images_;
  FakeVmDriver driver_;
  FakeClock clock_;
  std::unique_ptr<ResultsJsonWriter> writer_;
};

TEST_F(MatrixStepRunnerTest, TheKmodAtTheCommitReplacesTheCellsKmod) {
  const Matrix m = matrix_at(setup_, kCommit, "/work/bisect/src");
  ASSERT_EQ(m.kmods.size(), 1u);
  EXPECT_EQ(m.kmods[0].name, "git-0123456789ab");
  EXPECT_EQ(m.kmods[0].source, "source");
  EXPECT_EQ(m.kmods[0].settings_as<SourceKmodSpec>().path, "/work/bisect/src");
  EXPECT_THAT(m.kmods[0].record, ElementsAre(Pair("path", "/work/bisect/src"), Pair("commit", kCommit)));
  EXPECT_EQ(m.kernels[0].name, "debian-6.12");  // the other axis stays as declared
  EXPECT_THAT(m.tests, ElementsAre("kmod:0009"));
  EXPECT_EQ(m.reruns, 0);               // the step's runs are the bisection's own
  EXPECT_TRUE(m.expectations.empty());  // old and new come from the ends
  EXPECT_EQ(m.rounds_for("kmod:0009"), 20);
}

TEST_F(MatrixStepRunnerTest, TheKernelAtTheCommitBuildsInThePersistentDirectory) {
  setup_.axis = BisectAxis::kKernel;
  setup_.kernel_config = {"/frag.config"};
  setup_.kernel_build_dir = "/cache/bisect/b1/build";
  const Matrix m = matrix_at(setup_, kCommit, "/work/bisect/src");
  const auto& spec = m.kernels.at(0).settings_as<SourceKernelSpec>();
  EXPECT_EQ(spec.path, "/work/bisect/src");
  EXPECT_EQ(spec.build_dir, "/cache/bisect/b1/build");
  EXPECT_THAT(spec.config, ElementsAre("/frag.config"));
  EXPECT_EQ(m.kmods.at(0).name, "host");
}

TEST_F(MatrixStepRunnerTest, EachRunIsAFreshBootWithItsOwnRunDirectory) {
  driver_.add_boot(failing_boot("kmod:0009"));
  driver_.add_boot(failing_boot("kmod:0009"));
  MatrixStepRunner runner(setup_, images_, clock_);
  const auto first = runner.run(kCommit, 1);
  const auto second = runner.run(kCommit, 2);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->verdict, Verdict::kFail);
  EXPECT_EQ(first->rounds, 20);
  EXPECT_EQ(first->run_dir, "steps/0123456789ab/run-1");
  EXPECT_EQ(second->run_dir, "steps/0123456789ab/run-2");
  EXPECT_TRUE(fs::exists(dir_.path() / "steps/0123456789ab/run-2/results.json"));
  EXPECT_THAT(materialised_, ElementsAre(kCommit));  // built once for both runs
  EXPECT_EQ(images_.cells.front().kmod.name, "git-0123456789ab");
  ASSERT_EQ(driver_.started.size(), 2u);
  EXPECT_THAT(driver_.started[0].cmdline, HasSubstr("kmx.tests=kmod:0009@600x20"));
  EXPECT_NE(driver_.started[0].name, driver_.started[1].name);
}

TEST_F(MatrixStepRunnerTest, ABuildFailureIsAStepBuildError) {
  images_.error = "building kmod 'git-0123456789ab' failed: meson setup exited 1";
  MatrixStepRunner runner(setup_, images_, clock_);
  try {
    runner.run(kCommit, 1);
    FAIL() << "no error";
  } catch (const StepBuildError& e) {
    EXPECT_THAT(e.what(), HasSubstr("meson setup exited 1"));
  }
  EXPECT_TRUE(driver_.started.empty());
}

TEST_F(MatrixStepRunnerTest, AnInterruptedRunGivesNoVerdict) {
  std::atomic<bool> stop{true};
  setup_.settings.stop = &stop;
  MatrixStepRunner runner(setup_, images_, clock_);
  EXPECT_FALSE(runner.run(kCommit, 1));
}

TEST(CheckSingleCell, AMatrixOfSeveralCellsIsRefusedWithItsShape) {
  const Matrix m = parse_matrix_text(
      "tests = [\"kmod:0009\"]\nvcpus = [1, 2]\nmemory_mib = [1024]\n[[kernel]]\nname = \"k\"\n"
      "package = \"linux-image-6.1.0-56-amd64\"\n[[kmod]]\nname = \"host\"\n",
      "two.toml");
  try {
    check_single_cell(m, "kmod:0009");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("2 cells (1 kernels x 1 kmods x 2 vCPU counts x 1 memory sizes)"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

TEST(CheckSingleCell, TheTestMustBeOneKnownId) {
  const Matrix m = parse_matrix_text(kOneCell, "m.toml");
  EXPECT_NO_THROW(check_single_cell(m, "kmod:0009"));
  EXPECT_NO_THROW(check_single_cell(m, "ns:import"));  // any known test, not only the matrix's
  EXPECT_THROW(check_single_cell(m, "kmod:0001-0004"), std::runtime_error);
  EXPECT_THROW(check_single_cell(m, "kmod:0099"), std::runtime_error);
}

}  // namespace
}  // namespace kmx
