// cli/bisect_command, cli/bisect_step_command, cli/run_setup: the command
// lines, their errors and exit statuses, and a finished bisection read back
// by --resume (nothing here boots a VM).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "bisect/bisect_state.h"
#include "bisect/matrix_step_runner.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "command_line.h"
#include "fakes.h"
#include "images/builtin_sources.h"
#include "os/files.h"
#include "test_paths.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::EndsWith;
using testing::error_of;
using ::testing::HasSubstr;
using testing::run_command_line;
using testing::ScratchDir;

constexpr std::string_view kOneCell =
    "tests = [\"kmod:0009\"]\nvcpus = [2]\nmemory_mib = [1024]\n"
    "[rounds]\n\"kmod:0009\" = 20\n"
    "[[kernel]]\nname = \"debian-6.12\"\npackage = \"linux-image-6.12.95+deb12-amd64\"\n"
    "[[kmod]]\nname = \"host\"\n";

TEST(BisectCommand, IsInTheCommandTable) {
  std::vector<std::string> names;
  for (const auto& c : commands()) names.push_back(c.name);
  EXPECT_THAT(names, ::testing::IsSupersetOf({"bisect", "bisect-step"}));
}

TEST(BisectCommand, NeedsOneHistoryToBisect) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "m.toml", kOneCell);
  EXPECT_THAT(
      error_of({"bisect", (dir.path() / "m.toml").string(), "--test", "kmod:0009", "--old", "v30", "--new", "v34.2"}),
      HasSubstr("give --kmod-git DIR or --kernel-git DIR (one)"));
  EXPECT_THAT(error_of({"bisect", (dir.path() / "m.toml").string(), "--test", "kmod:0009", "--kmod-git", "/a",
                        "--kernel-git", "/b", "--old", "v30", "--new", "v34.2"}),
              HasSubstr("(one)"));
}

TEST(BisectCommand, ConfigFragmentsAreForKernels) {
  EXPECT_THAT(error_of({"bisect", "m.toml", "--test", "kmod:0009", "--kmod-git", "/a", "--old", "v1", "--new", "v2",
                        "--config", "x.config"}),
              HasSubstr("--config fragments apply to kernel builds"));
}

TEST(BisectCommand, AMatrixOfManyCellsIsRefused) {
  EXPECT_THAT(error_of({"bisect", std::string(KMX_TESTDATA) + "/../../../matrices/smoke.toml", "--test", "kmod:0001",
                        "--kmod-git", "/a", "--old", "v1", "--new", "v2"}),
              HasSubstr("a bisection runs one"));
}

TEST(BisectCommand, ResumeAndANewBisectionExcludeEachOther) {
  EXPECT_THAT(error_of({"bisect", "m.toml", "--resume", "bisect-1"}), HasSubstr("not both"));
}

TEST(BisectCommand, ResumingAFinishedBisectionPrintsItsAnswerLast) {
  ScratchDir dir;
  const fs::path bisect_dir = dir.path() / "bisect-1";
  write_file_atomically(bisect_dir / "matrix.toml", kOneCell);
  BisectState st;
  st.bisect_id = "bisect-1";
  st.matrix_file = "matrix.toml";
  st.matrix_source = (dir.path() / "m.toml").string();
  st.test = "kmod:0009";
  st.axis = "kmod";
  st.git_dir = "/src/kmod";
  st.old_ref = "v30";
  st.old_commit = std::string(40, 'a');
  st.new_ref = "v34.2";
  st.new_commit = std::string(40, 'b');
  st.runs = 1;
  st.status = BisectStatus::kFound;
  st.commit = std::string(40, 'c');
  st.subject = "libkmod: use a hash for lookups";
  st.confidence = 1;
  st.verification = "the parent ran PASS 3 of 3, the culprit FAIL 3 of 3";
  st.reproduced = true;
  save_bisect_state(st, bisect_dir);
  ::testing::internal::CaptureStdout();
  const int code = run_command_line({"bisect", "--resume", "bisect-1", "--results", dir.path().string()});
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, kExitOk);
  EXPECT_THAT(out, EndsWith("first commit with the new behaviour: " + st.commit + " " + st.subject + "\n"));
}

TEST(BisectCommand, ResumingAnUnknownBisectionSaysHowToFindIt) {
  ScratchDir dir;
  EXPECT_THAT(error_of({"bisect", "--resume", "bisect-nope", "--results", dir.path().string()}),
              HasSubstr("fix: pass the bisect id"));
}

TEST(BisectCommand, TheShippedBisectMatrixIsOneCellWithTwentyRounds) {
  const Matrix m = parse_matrix_file(fs::path(KMX_TESTDATA) / "../../../matrices/bisect-kmod-0009.toml",
                                     builtin_sources().readers());
  EXPECT_NO_THROW(check_single_cell(m, "kmod:0009"));
  EXPECT_EQ(m.rounds_for("kmod:0009"), 20);
}

TEST(BisectCommand, TheShippedFirstRoundMatrixRunsOneRound) {
  const Matrix m = parse_matrix_file(fs::path(KMX_TESTDATA) / "../../../matrices/bisect-kmod-0009-first-round.toml",
                                     builtin_sources().readers());
  EXPECT_NO_THROW(check_single_cell(m, "kmod:0009"));
  EXPECT_EQ(m.rounds_for("kmod:0009"), 1);
  EXPECT_EQ(m.kernels.at(0).name, "debian-6.12");
}

TEST(BisectStepCommand, BadInputStopsGitBisectRun) {
  ::testing::internal::CaptureStderr();
  const int code = run_command_line({"bisect-step", "/nonexistent/m.toml", "--test", "kmod:0009", "--kmod-git", "/a"});
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, kExitAbortBisect);  // above 127: git bisect run stops instead of reading "new"
  EXPECT_GT(kExitAbortBisect, 127);
}

TEST(BisectStepCommand, AnUnparsableCommandLineAlsoStopsGitBisectRun) {
  std::vector<std::string> args = {"kmod-matrix", "bisect-step", "--bogus"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  EXPECT_EQ(bad_input_status(static_cast<int>(argv.size()), argv.data()), kExitAbortBisect);
  args[1] = "bisect";
  argv[1] = args[1].data();
  EXPECT_EQ(bad_input_status(static_cast<int>(argv.size()), argv.data()), kExitBadInput);
}

TEST(BisectStepCommand, AVerdictOnBothSidesIsBadInput) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "m.toml", kOneCell);
  ::testing::internal::CaptureStderr();
  const int code = run_command_line({"bisect-step", (dir.path() / "m.toml").string(), "--test", "kmod:0009",
                                     "--kmod-git", "/a", "--old-verdict", "FAIL", "--new-verdict", "FAIL"});
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, kExitAbortBisect);
  EXPECT_THAT(err, HasSubstr("FAIL is both old and new"));
}

// Issue 25: a bisect id is a name: "../../victim" left the cache, and
// preparing the clone deleted victim/src.
TEST(BisectCommand, ResumingAnIdThatIsNoNameIsRefusedBeforeAnythingIsTouched) {
  ScratchDir dir;
  fs::create_directories(dir.path() / "victim/src");
  for (const char* id : {"../victim", "../../victim", "/tmp", "a/b"})
    EXPECT_THAT(error_of({"bisect", "--resume", id, "--results", (dir.path() / "results").string()}),
                HasSubstr("is not a bisect id"))
        << id;
  EXPECT_TRUE(fs::exists(dir.path() / "victim/src"));
}

}  // namespace
}  // namespace kmx
