// run/one_test_run: one test in a fresh boot, read back as one RunRecord
// (a fake hypervisor and image source stand in).
#include "run/one_test_run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "builtin_matrix.h"
#include "fake_host.h"
#include "fakes.h"
#include "os/files.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace kmx::testing;

constexpr std::string_view kMatrix =
    "tests = [\"kmod:0001\", \"kmod:0009\"]\nvcpus = [1]\nmemory_mib = [512]\nreruns = 2\n"
    "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
    "[[kmod]]\nname = \"host\"\n"
    "[[expect]]\ntest = \"kmod:0009\"\nverdict = \"FAIL\"\n";

class OneImage : public ImageSource {
 public:
  Image image_for(const Cell& cell) override {
    return Image{"img-" + cell.kmod.name, "6.1.0-56-amd64", "/cache/vmlinuz", "/cache/initrd.cpio"};
  }
  std::vector<std::string> resolve_inputs(const Matrix&) override { return {}; }
};

TEST(OnlyTest, KeepsTheOneTestAndDropsRerunsAndExpectations) {
  const Matrix m = only_test(parse_matrix_text(kMatrix, "m.toml"), "kmod:0009");
  EXPECT_EQ(m.tests, std::vector<std::string>{"kmod:0009"});
  EXPECT_EQ(m.reruns, 0);
  EXPECT_TRUE(m.expectations.empty());
  EXPECT_EQ(m.kernels.size(), 1u);
}

TEST(CheckTestId, OneKnownIdOnly) {
  EXPECT_NO_THROW(check_test_id("kmod:0009"));
  EXPECT_NO_THROW(check_test_id("softdep:pre-post"));
  for (const char* bad : {"kmod:*", "kmod:0001-0004", "kmod:0099", ""}) {
    try {
      check_test_id(bad);
      ADD_FAILURE() << bad << ": no error";
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("fix: name one test")) << bad;
    }
  }
}

TEST(RunTestOnce, OneBootIntoAnEmptiedDirectoryGivesTheTestsRecord) {
  ScratchDir dir;
  FakeVmDriver driver;
  FakeClock clock;
  OneImage images;
  ScriptedBoot boot;
  boot.agent = {ev_boot(), ev_start("kmod:0009") + ev_output("kmod:0009", "FAIL: -EINVAL") + ev_end("kmod:0009", 1),
                ev_done()};
  boot.console = {"[    1.0] Run /init as init process\n", begin_marker("kmod:0009") + end_marker("kmod:0009")};
  boot.running_polls = 3;
  driver.add_boot(boot);
  RunSettings s;
  s.run_id = "probe-1";
  s.owner_pid = 100;
  s.hosts = {fake_host(driver)};
  s.run_dir = dir.path() / "probes" / "p1";
  fs::create_directories(s.run_dir);
  write_file_atomically(s.run_dir / "left-from-a-cut-run", "x");
  std::vector<fs::path> told;
  const auto record = run_test_once(
      only_test(parse_matrix_text(kMatrix, "m.toml"), "kmod:0009"), "kmod:0009", s, dir.path(),
      [&](const fs::path& run_dir) {
        told.push_back(run_dir);
        return std::vector<RunWriter*>{};
      },
      images, clock);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->verdict, Verdict::kFail);
  EXPECT_EQ(record->run_dir, "probes/p1");
  EXPECT_EQ(driver.started.size(), 1u);
  EXPECT_FALSE(fs::exists(s.run_dir / "left-from-a-cut-run"));
  EXPECT_EQ(told, std::vector<fs::path>{s.run_dir});
}

TEST(RunTestOnce, AStoppedRunGivesNoRecord) {
  ScratchDir dir;
  FakeVmDriver driver;
  FakeClock clock;
  OneImage images;
  std::atomic<bool> stop{true};
  RunSettings s;
  s.run_id = "probe-2";
  s.owner_pid = 100;
  s.hosts = {fake_host(driver)};
  s.run_dir = dir.path() / "p2";
  s.stop = &stop;
  EXPECT_FALSE(run_test_once(only_test(parse_matrix_text(kMatrix, "m.toml"), "kmod:0009"), "kmod:0009", s, dir.path(),
                             nullptr, images, clock));
}

}  // namespace
}  // namespace kmx
