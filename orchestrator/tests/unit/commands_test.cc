// cli/commands: the command table behind kmod-matrix's subcommands.
#include "cli/command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "cli/exit_codes.h"
#include "command_line.h"
#include "fakes.h"
#include "images/artifacts.h"
#include "matrix/matrix.h"
#include "os/files.h"

namespace kmx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using kmx::testing::run_command_line;

TEST(Commands, TableListsEveryCommandOnceWithHelp) {
  std::vector<std::string> names;
  for (const auto& c : commands()) {
    names.push_back(c.name);
    EXPECT_STRNE(c.help, "") << c.name;
    EXPECT_NE(c.setup, nullptr) << c.name;
  }
  EXPECT_THAT(names, ElementsAre("run", "check", "cache", "cleanup", "compare", "history", "report", "import", "site",
                                 "merge", "bisect", "bisect-step", "boundary", "setup-host", "generate"));
}

TEST(Commands, SharedOptionsBindToTheContextOptions) {
  CLI::App app;
  ContextOptions shared;
  // What setup returns owns the variables its options write to: keep it.
  std::vector<CommandRun> runs;
  for (const auto& c : commands()) runs.push_back(c.setup(*app.add_subcommand(c.name, c.help), shared));
  app.parse(std::vector<std::string>{"/var/kmx", "--cache", "tcg", "--accel", "run"});  // CLI11 parses reversed
  EXPECT_EQ(shared.cache, "/var/kmx");
  EXPECT_TRUE(shared.connect.empty());  // the Context falls back to qemu:///system
}

TEST(Commands, ConnectRepeatsAndHostsNamesAFile) {
  CLI::App app;
  ContextOptions shared;
  std::vector<CommandRun> runs;
  for (const auto& c : commands()) runs.push_back(c.setup(*app.add_subcommand(c.name, c.help), shared));
  app.parse(std::vector<std::string>{"fleet.toml", "--hosts", "qemu+tcp://127.0.0.1:16599/system", "--connect",
                                     "qemu:///system", "--connect", "smoke", "run"});  // CLI11 parses reversed
  EXPECT_EQ(shared.connect, (std::vector<std::string>{"qemu:///system", "qemu+tcp://127.0.0.1:16599/system"}));
  EXPECT_EQ(shared.hosts_file, "fleet.toml");
}

TEST(Commands, CheckRequiresAMatrix) {
  CLI::App app;
  ContextOptions shared;
  // What setup returns owns the variables its options write to: keep it.
  std::vector<CommandRun> runs;
  for (const auto& c : commands()) runs.push_back(c.setup(*app.add_subcommand(c.name, c.help), shared));
  EXPECT_THROW(app.parse(std::vector<std::string>{"check"}), CLI::RequiredError);
}

// A kernel build directory and busybox: check resolves both without apt.
TEST(Commands, CheckListsWhatEachTableResolvesToAndTheCells) {
  kmx::testing::ScratchDir dir;
  const auto build = dir.path() / "linux-build";
  for (const char* f : {".config", "arch/x86/boot/bzImage", "Module.symvers"}) write_file_atomically(build / f, "x");
  write_file_atomically(build / "include/config/kernel.release", "6.18.0-rc1\n");
  write_file_atomically(dir.path() / "m.toml",
                        "tests = [\"kmod:0001\", \"ns:import\"]\nvcpus = [1]\nmemory_mib = [512]\n"
                        "[[kernel]]\nname = \"mine\"\nsource = \"build-dir\"\npath = \"linux-build\"\n"
                        "[[kmod]]\nname = \"bb\"\nsource = \"busybox\"\n");
  ::testing::internal::CaptureStdout();
  const int code =
      run_command_line({"check", (dir.path() / "m.toml").string(), "--cache", (dir.path() / "cache").string()});
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, kExitOk);
  EXPECT_THAT(out, HasSubstr("kernel mine: build " + build.string() + ", release 6.18.0-rc1\n"));
  EXPECT_THAT(out, HasSubstr("kmod bb: busybox modutils from "));
  EXPECT_THAT(out, HasSubstr("mine.bb.1cpu.512M  2 tests\n"));
}

TEST(Commands, CheckOfAMissingBuildDirectoryNamesItsTable) {
  kmx::testing::ScratchDir dir;
  write_file_atomically(dir.path() / "m.toml",
                        "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
                        "[[kernel]]\nname = \"mine\"\nsource = \"build-dir\"\npath = \"nowhere\"\n"
                        "[[kmod]]\nname = \"bb\"\nsource = \"busybox\"\n");
  try {
    run_command_line({"check", (dir.path() / "m.toml").string(), "--cache", (dir.path() / "cache").string()});
    FAIL() << "no error";
  } catch (const UnknownInputError& e) {  // main maps it to exit 2
    EXPECT_THAT(e.what(), HasSubstr("m.toml:4:1: kernel 'mine': "));
    EXPECT_THAT(e.what(), HasSubstr("fix: point path at a finished build"));
  }
}

TEST(Commands, CheckOfABadMatrixThrowsItsError) {
  kmx::testing::ScratchDir dir;
  write_file_atomically(dir.path() / "m.toml", "tests = [\"kmod:0001\"]\n");
  EXPECT_THROW(run_command_line({"check", (dir.path() / "m.toml").string()}), MatrixError);
}

// Issue 29: `check smok` said the file could not be read.
TEST(Commands, AMatrixThatIsNeitherAFileNorShippedListsTheShippedOnes) {
  try {
    run_command_line({"check", "smok"});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {  // main maps it to exit 2
    EXPECT_THAT(e.what(), HasSubstr("no matrix 'smok': no such file, and no shipped matrix of that name"));
    EXPECT_THAT(e.what(), HasSubstr("fix: a matrix file, or one of the shipped matrices"));
    EXPECT_THAT(e.what(), HasSubstr("smoke, suites"));
  }
}

// Issue 29: each command's --help ends with its own exit statuses.
TEST(Commands, EveryCommandSaysItsExitStatuses) {
  for (const auto& c : commands()) {
    const std::string text = c.exit_codes;
    EXPECT_TRUE(text.starts_with("Exit status")) << c.name;
    EXPECT_THAT(text, HasSubstr("  0 ")) << c.name;
  }
}

TEST(Commands, CacheGcDryRunListsAndRemovesNothing) {
  kmx::testing::ScratchDir dir;
  write_file_atomically(dir.path() / "apt-show/old.txt", "x");
  std::filesystem::last_write_time(dir.path() / "apt-show/old.txt",
                                   std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 40));
  ::testing::internal::CaptureStdout();
  const int code = run_command_line({"cache", "--cache", dir.path().string(), "--gc", "30", "--dry-run"});
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, kExitOk);
  EXPECT_THAT(out, HasSubstr("would remove apt-show/old.txt\n"));
  EXPECT_THAT(out, HasSubstr("1 entry, 0.0 MiB would be freed (dry run: nothing removed)"));
  EXPECT_THAT(out, HasSubstr("apt-show               1 entry"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "apt-show/old.txt"));
}

// Issue 14: check accepted a kernel named "../x" and listed its cells.
TEST(Commands, CheckRejectsAPathAsANameAtItsPosition) {
  kmx::testing::ScratchDir dir;
  const auto matrix = dir.path() / "m.toml";
  write_file_atomically(matrix,
                        "tests = [\"kmod:0001\"]\nvcpus = [1]\nmemory_mib = [512]\n"
                        "[[kernel]]\nname = \"../x\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
                        "[[kmod]]\nname = \"host\"\n");
  try {
    run_command_line({"check", matrix.string()});
    FAIL() << "no error";
  } catch (const MatrixError& e) {  // main maps it to exit 2
    EXPECT_THAT(e.what(), ::testing::StartsWith(matrix.string() + ":5:8: kernel name '../x' contains '/'"));
    EXPECT_THAT(e.what(), HasSubstr("\n  fix: "));
  }
}

TEST(Commands, RunWithAnUnknownReportFormatFailsBeforeAnythingElse) {
  try {
    run_command_line({"run", "/nonexistent/m.toml", "--report", "pdf:out.pdf"});
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {  // main maps it to exit 2
    EXPECT_THAT(e.what(), HasSubstr("junit, ktap, kcidb, html"));
  }
}

TEST(Commands, CacheReportsSizesPerKind) {
  kmx::testing::ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "kernels/k1");
  ::testing::internal::CaptureStdout();
  const int code = run_command_line({"cache", "--cache", dir.path().string()});
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, kExitOk);
  EXPECT_THAT(out, HasSubstr("cache " + dir.path().string() + "\n"));
  EXPECT_THAT(out, HasSubstr("kernels"));
  EXPECT_THAT(out, HasSubstr("total"));
}

}  // namespace
}  // namespace kmx
