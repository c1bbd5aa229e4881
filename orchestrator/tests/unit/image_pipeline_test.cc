#include "run/image_pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "builtin_matrix.h"
#include "fakes.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Kernel k2's image blocks until the test lets it go, so what happens
// while it is built can be seen.
class GatedImageSource : public ImageSource {
 public:
  Image image_for(const Cell& cell) override {
    std::unique_lock lock(mutex);
    calls.push_back(cell.kernel.name);
    if (cell.kernel.name == "k2") gate.wait(lock, [&] { return open; });
    if (cell.kernel.name == fail) throw ImageError("cannot build " + fail);
    if (cell.kernel.name == unknown) throw UnknownInputError("no such kernel " + unknown);
    if (cell.kernel.name == throws_int) throw 42;
    return Image{"img-" + cell.kernel.name, "6.1.0-56-amd64", "/cache/vmlinuz-" + cell.kernel.name, "/cache/initrd"};
  }
  std::vector<std::string> resolve_inputs(const Matrix&) override { return {}; }
  void let_go() {
    std::lock_guard lock(mutex);
    open = true;
    gate.notify_all();
  }
  std::mutex mutex;
  std::condition_variable gate;
  bool open = false;
  std::vector<std::string> calls;
  std::string fail, unknown, throws_int;
};

Matrix three_kernels() {
  return parse_matrix_text(
      "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [256, 512]\n"
      "[[kernel]]\nname = \"k1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
      "[[kernel]]\nname = \"k2\"\npackage = \"linux-image-6.12.57+deb12-amd64\"\n"
      "[[kernel]]\nname = \"k3\"\npackage = \"linux-image-6.12.57+deb12-amd64\"\n"
      "[[kmod]]\nname = \"host\"\n",
      "run.toml");
}

class ImagePipelineTest : public ::testing::Test {
 protected:
  ImagePipelineTest() : matrix_(three_kernels()), cells_(expand_cells(matrix_)) {}
  std::vector<std::size_t> of(const std::string& kernel) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < cells_.size(); ++i)
      if (cells_[i].kernel.name == kernel) out.push_back(i);
    return out;
  }
  // Runs every cell through a one-job pool fed by the pipeline; returns the
  // kernels of the cells in the order they ran. k2's build is let go once
  // `release_after` cells have run.
  std::vector<std::string> run_all(ImagePipeline& pipeline, std::size_t release_after) {
    ReadyCells& later = later_;
    std::vector<CellDemand> demands(cells_.size(), CellDemand{1, 256});
    CellScheduler gated({HostBudget{4, 8192, 1}}, demands, 1, pipeline.ready());
    pipeline.build_rest(later);
    std::vector<std::string> ran;
    std::vector<std::string> ids(cells_.size(), "cell");
    run_cell_pool(
        gated, ids,
        [&](const Placement& where) {
          ran.push_back(cells_[where.cell].kernel.name);
          if (ran.size() == release_after) images_.let_go();
          return CellOutcome::kDone;
        },
        clock_, &stop_, &later);
    return ran;
  }
  // Outlives each test's pipeline, whose thread may close it after the pool ended.
  ReadyCells later_;
  Matrix matrix_;
  std::vector<Cell> cells_;
  GatedImageSource images_;
  std::atomic<bool> stop_{false};
  testing::FakeClock clock_;
};

TEST_F(ImagePipelineTest, TheFirstImageIsReadyBeforeAnyCellAndTheOthersAreBuiltWhileCellsRun) {
  ImagePipeline pipeline(cells_, images_, stop_);
  EXPECT_THAT(images_.calls, ElementsAre("k1"));
  for (std::size_t i : of("k1")) EXPECT_TRUE(pipeline.ready()[i]);
  for (std::size_t i : of("k2")) EXPECT_FALSE(pipeline.ready()[i]);
  EXPECT_EQ(pipeline.image(cells_[of("k1")[0]].index).id, "img-k1");
  // k2's build only ends once both k1 cells have run: they ran while it was built.
  EXPECT_THAT(run_all(pipeline, 2), ElementsAre("k1", "k1", "k2", "k2", "k3", "k3"));
  EXPECT_THAT(images_.calls, ElementsAre("k1", "k2", "k3"));
  EXPECT_EQ(pipeline.image(cells_[of("k3")[1]].index).id, "img-k3");
  EXPECT_FALSE(pipeline.bad_input());
}

TEST_F(ImagePipelineTest, ALaterImageThatFailsLeavesItsCellsWithTheCause) {
  images_.fail = "k3";
  ImagePipeline pipeline(cells_, images_, stop_);
  EXPECT_EQ(run_all(pipeline, 1).size(), 6u);  // its cells still reach the pool, which records them as ERROR
  for (std::size_t i : of("k3"))
    EXPECT_THAT(pipeline.error(cells_[i].index).value_or(""), HasSubstr("cannot build k3"));
  EXPECT_FALSE(pipeline.error(cells_[of("k2")[0]].index));
  EXPECT_FALSE(pipeline.bad_input());
}

// On the background thread, what is not a std::exception would otherwise
// end the process.
TEST_F(ImagePipelineTest, ALaterImageThrowingANonStdExceptionLeavesItsCellsError) {
  images_.throws_int = "k3";
  ImagePipeline pipeline(cells_, images_, stop_);
  EXPECT_EQ(run_all(pipeline, 1).size(), 6u);
  for (std::size_t i : of("k3"))
    EXPECT_THAT(pipeline.error(cells_[i].index).value_or(""), HasSubstr("not a std::exception"));
  EXPECT_FALSE(pipeline.error(cells_[of("k2")[0]].index));
}

TEST_F(ImagePipelineTest, UnknownInputForTheFirstImageIsThrownBeforeAnyCell) {
  images_.unknown = "k1";
  EXPECT_THROW(ImagePipeline(cells_, images_, stop_), UnknownInputError);
}

TEST_F(ImagePipelineTest, UnknownInputFoundLaterIsKeptForTheEndOfTheRun) {
  images_.unknown = "k3";
  ImagePipeline pipeline(cells_, images_, stop_);
  run_all(pipeline, 1);
  EXPECT_THAT(pipeline.bad_input().value_or(""), HasSubstr("no such kernel k3"));
  EXPECT_THAT(pipeline.error(cells_[of("k3")[0]].index).value_or(""), HasSubstr("bad input"));
}

TEST_F(ImagePipelineTest, AfterStopNoFurtherImageIsBuiltAndThePoolEnds) {
  ImagePipeline pipeline(cells_, images_, stop_);
  stop_ = true;
  images_.let_go();
  EXPECT_THAT(run_all(pipeline, 99), ::testing::IsEmpty());
  EXPECT_THAT(images_.calls, ElementsAre("k1"));
}

}  // namespace
}  // namespace kmx
