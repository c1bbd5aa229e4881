// run/cell_runner and run/stale_domains: every test of a cell reaches a
// verdict across as many boots as crashes demand; leftovers of dead runs go.
#include "run/cell_runner.h"
#include "builtin_matrix.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "os/files.h"
#include "run/stale_domains.h"

#include <unistd.h>

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace kmx::testing;

constexpr std::string_view kMatrix =
    "tests = [\"kmod:0001-0003\"]\nvcpus = [2]\nmemory_mib = [512]\n"
    "[timeouts]\ntest_s = 300\n"
    "[[kernel]]\nname = \"debian-6.1\"\npackage = \"linux-image-6.1.0-56-amd64\"\n"
    "[[kmod]]\nname = \"host\"\n"
    "[[expect]]\ntest = \"kmod:0003\"\nverdict = [\"PASS\", \"SKIP\"]\nreason = \"skips without xfs\"\n";

const std::string kPanic = "[   42.000310] Kernel panic - not syncing: sysrq triggered crash\n";

// A boot that runs `tests` in order; the test named `panics_in` takes the
// guest down instead of ending.
ScriptedBoot boot_running(const std::vector<std::string>& tests, const std::string& panics_in = "") {
  ScriptedBoot boot;
  boot.agent.push_back(ev_boot());
  boot.console.push_back("[    1.914940] Run /init as init process\n");
  for (const auto& t : tests) {
    boot.agent.push_back(ev_start(t) + ev_output(t, "running " + t));
    boot.console.push_back(begin_marker(t));
    if (t == panics_in) {
      boot.console.back() += kPanic;
      break;
    }
    boot.agent.push_back(ev_end(t, 0, 0.5));
    boot.console.push_back(end_marker(t));
  }
  if (panics_in.empty()) boot.agent.push_back(ev_done());
  boot.running_polls = static_cast<int>(std::max(boot.agent.size(), boot.console.size()));
  return boot;
}

ScriptedBoot start_failure() {
  ScriptedBoot boot;
  boot.start_error = "libvirt could not start: internal error: process exited while connecting to monitor";
  return boot;
}

class RunCell : public ::testing::Test {
 protected:
  RunCell() : matrix_(parse_matrix_text(kMatrix, "cell.toml")), cell_(expand_cells(matrix_).at(0)) {}

  CellResult run() {
    CellContext ctx{driver_, clock_, matrix_, "20261122-233800-100", 100, dir_.path(), Accel::kTcg};
    return run_cell(ctx, cell_, image_);
  }
  std::vector<std::string> verdicts(const CellResult& r) const {
    std::vector<std::string> out;
    for (const auto& t : r.tests) out.push_back(t.test + " " + std::string(to_string(t.verdict)));
    return out;
  }

  Image image_{"img-1", "6.1.0-56-amd64", "/cache/vmlinuz", "/cache/initrd.cpio"};
  ScratchDir dir_;
  FakeVmDriver driver_;
  FakeClock clock_;
  Matrix matrix_;
  Cell cell_;
};

// Issue 14: a flood is the test's verdict (never ERROR for the harness, so
// no infrastructure retry); the cell goes on in a fresh boot.
TEST_F(RunCell, FloodingTestFailsAndTheRestRunInAFreshBoot) {
  matrix_.limits.console_max_bytes = 2 << 20;  // [limits] console_max_mib = 2
  ScriptedBoot flood;
  flood.agent = {ev_boot() + ev_start("kmod:0001")};
  flood.console = {begin_marker("kmod:0001")};
  for (int i = 0; i < 5; ++i) flood.console.push_back(std::string(1 << 20, 'z') + "\n");
  driver_.add_boot(flood);
  driver_.add_boot(boot_running({"kmod:0002", "kmod:0003"}));
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 FAIL", "kmod:0002 PASS", "kmod:0003 PASS"));
  EXPECT_THAT(r.tests[0].evidence, HasSubstr("output flood: guest wrote console"));
  ASSERT_EQ(r.boots.size(), 2u);
  EXPECT_EQ(r.boots[0].end, "output-flood");
  EXPECT_THAT(r.boots[0].end_detail, HasSubstr("(cap 2097152)"));
  EXPECT_EQ(driver_.started[0].console_max_bytes, 2u << 20);
}

// Issue 14: the caps were fixed at 64 MiB and a cut showed only in prose.
TEST_F(RunCell, ABootCutAtItsCapRecordsTheBytesKeptAndDropped) {
  matrix_.limits.console_max_bytes = 1 << 20;
  ScriptedBoot flood;
  flood.agent = {ev_boot() + ev_start("kmod:0001")};
  flood.console = {std::string(3 << 20, 'z')};
  driver_.add_boot(flood);
  driver_.add_boot(boot_running({"kmod:0002", "kmod:0003"}));
  const CellResult r = run();
  ASSERT_EQ(r.boots.size(), 2u);
  EXPECT_EQ(r.boots[0].truncated.at("console"), (ByteCut{1 << 20, 2 << 20}));
  EXPECT_EQ(r.boots[0].truncated.count("agent"), 0u);
  EXPECT_TRUE(r.boots[1].truncated.empty());
}

// Issue 14: an exception on the host side (here the agent port cannot be
// read) left the worker thread and ended the whole process.
TEST_F(RunCell, AHostSideFailureMakesTheUndecidedTestsErrorAndDestroysTheVm) {
  driver_.add_boot(boot_running({"kmod:0001", "kmod:0002"}, "kmod:0002"));
  ScriptedBoot broken;
  broken.agent = {ev_boot(), ev_start("kmod:0003")};
  broken.read_error = "agent.log: Input/output error";
  driver_.add_boot(broken);
  CellResult r;
  ASSERT_NO_THROW(r = run());
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 PASS", "kmod:0002 PANIC", "kmod:0003 ERROR"));
  EXPECT_EQ(r.tests[2].evidence, "harness error: agent.log: Input/output error");
  ASSERT_EQ(driver_.started.size(), 2u);  // no retry: the cell is over
  EXPECT_THAT(driver_.destroyed, ::testing::Contains(driver_.started[1].name));
  EXPECT_THAT(driver_.forgotten, ::testing::Contains(driver_.started[1].name));
}

TEST_F(RunCell, AllTestsPassInOneBoot) {
  driver_.add_boot(boot_running(cell_.tests));
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 PASS", "kmod:0002 PASS", "kmod:0003 PASS"));
  ASSERT_EQ(r.boots.size(), 1u);
  EXPECT_EQ(r.boots[0].end, "stopped");
  EXPECT_EQ(r.guest_uname, "6.1.0-56-amd64");
  EXPECT_EQ(r.image_id, "img-1");
}

// What is made ahead must be exactly what run_cell then starts: anything
// else would be a wasted domain (SpareDomains discards a mismatch).
TEST_F(RunCell, TheFirstBootSpecIsTheVmRunCellStarts) {
  CellContext ctx{driver_, clock_, matrix_, "20261122-233800-100", 100, dir_.path(), Accel::kTcg};
  const auto ahead = first_boot_spec(ctx, cell_, image_, CellResult{});
  ASSERT_TRUE(ahead);
  driver_.add_boot(boot_running(cell_.tests));
  run_cell(ctx, cell_, image_);
  ASSERT_EQ(driver_.started.size(), 1u);
  EXPECT_EQ(driver_.started[0], *ahead);
  EXPECT_EQ(ahead->console_log.parent_path(), dir_.path() / "cells" / cell_.id() / "boot-1");
}

// The uncompressed kernel spares TCG the bzImage's decompression; KVM, and a
// kernel without a PVH entry, boot the bzImage.
TEST_F(RunCell, TcgBootsThePvhKernelWhenTheImageHasOne) {
  Image image = image_;
  CellContext tcg{driver_, clock_, matrix_, "20261122-233800-100", 100, dir_.path(), Accel::kTcg};
  CellContext kvm{driver_, clock_, matrix_, "20261122-233800-100", 100, dir_.path(), Accel::kKvm};
  EXPECT_EQ(boot_spec(tcg, cell_, image, cell_.tests, 1).kernel, "/cache/vmlinuz");
  image.pvh_kernel = "/cache/pvh-kernels/k/vmlinux";
  EXPECT_EQ(boot_spec(tcg, cell_, image, cell_.tests, 1).kernel, "/cache/pvh-kernels/k/vmlinux");
  EXPECT_EQ(boot_spec(kvm, cell_, image, cell_.tests, 1).kernel, "/cache/vmlinuz");
  EXPECT_EQ(first_boot_spec(tcg, cell_, image, CellResult{})->kernel, "/cache/pvh-kernels/k/vmlinux");
}

// pvh_boot = false: the bzImage's own boot path (its KASLR) under TCG too.
TEST_F(RunCell, AMatrixWithoutPvhBootBootsTheBzImageUnderTcg) {
  Image image = image_;
  image.pvh_kernel = "/cache/pvh-kernels/k/vmlinux";
  Matrix matrix = matrix_;
  matrix.pvh_boot = false;
  CellContext tcg{driver_, clock_, matrix, "20261122-233800-100", 100, dir_.path(), Accel::kTcg};
  EXPECT_EQ(boot_spec(tcg, cell_, image, cell_.tests, 1).kernel, "/cache/vmlinuz");
  EXPECT_EQ(first_boot_spec(tcg, cell_, image, CellResult{})->kernel, "/cache/vmlinuz");
}

// On --resume the first boot runs only the undecided tests, numbered after
// the earlier boots; a cell with every verdict starts nothing.
TEST_F(RunCell, TheFirstBootSpecOfAResumedCellRunsWhatIsLeft) {
  CellContext ctx{driver_, clock_, matrix_, "20261122-233800-100", 100, dir_.path(), Accel::kTcg};
  CellResult previous;
  previous.tests.push_back(TestResult{"kmod:0001", Verdict::kPass});
  previous.boots.push_back(BootSummary{1});
  const auto ahead = first_boot_spec(ctx, cell_, image_, previous);
  ASSERT_TRUE(ahead);
  driver_.add_boot(boot_running({"kmod:0002", "kmod:0003"}));
  run_cell(ctx, cell_, image_, previous);
  ASSERT_EQ(driver_.started.size(), 1u);
  EXPECT_EQ(driver_.started[0], *ahead);
  EXPECT_THAT(ahead->name, HasSubstr("-b2"));
  EXPECT_THAT(ahead->cmdline, Not(HasSubstr("kmod:0001")));
  for (const auto& test : cell_.tests) previous.tests.push_back(TestResult{test, Verdict::kPass});
  EXPECT_FALSE(first_boot_spec(ctx, cell_, image_, previous));
}

TEST_F(RunCell, EffectiveModprobeConfigIsRecordedAsDigestAndDump) {
  ScriptedBoot boot = boot_running(cell_.tests);
  boot.agent[0] = ev_boot({{"modprobe_config",
                            {{"available", true},
                             {"searched_dirs", {"/etc/modprobe.d", "/run/modprobe.d"}},
                             {"dump", "options kmx_x y=1\n"},
                             {"bytes", 18}}}});
  driver_.add_boot(boot);
  const CellResult r = run();
  const auto& config = r.guest_modprobe_config;
  EXPECT_EQ(config.value("sha256", ""), sha256_hex("options kmx_x y=1\n"));
  EXPECT_EQ(config.value("bytes", 0), 18);
  EXPECT_FALSE(config.value("truncated", true));
  EXPECT_EQ(config["searched_dirs"], nlohmann::json::array({"/etc/modprobe.d", "/run/modprobe.d"}));
  EXPECT_EQ(read_file(dir_.path() / config.value("dump", "")), "options kmx_x y=1\n");
}

TEST_F(RunCell, PanicInSecondTestBootsAgainForTheThird) {
  driver_.add_boot(boot_running(cell_.tests, "kmod:0002"));
  driver_.add_boot(boot_running({"kmod:0003"}));
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 PASS", "kmod:0002 PANIC", "kmod:0003 PASS"));
  EXPECT_EQ(r.boots.size(), 2u);
  EXPECT_EQ(r.tests[1].boot, 1);
  EXPECT_EQ(r.tests[2].boot, 2);
  EXPECT_THAT(r.tests[1].evidence, HasSubstr("Kernel panic - not syncing: sysrq triggered crash"));
}

TEST_F(RunCell, ResumeRunsOnlyTestsWithoutAVerdictInLaterBoots) {
  // An interrupted run decided kmod:0001 in boot 1 and kmod:0002 in boot 2.
  driver_.add_boot(boot_running(cell_.tests, "kmod:0002"));
  driver_.add_boot(boot_running({"kmod:0003"}));
  CellResult interrupted = run();
  interrupted.tests.pop_back();  // kmod:0003 never got its verdict
  driver_.started.clear();
  driver_.add_boot(boot_running({"kmod:0003"}));
  CellContext ctx{driver_, clock_, matrix_, "20261122-233800-100", 101, dir_.path(), Accel::kTcg};
  const CellResult r = run_cell(ctx, cell_, Image{"img-1", "6.1.0-56-amd64", "/k", "/i"}, interrupted);
  ASSERT_EQ(driver_.started.size(), 1u);
  EXPECT_THAT(driver_.started[0].cmdline, HasSubstr("kmx.tests=kmod:0003@300"));
  EXPECT_EQ(driver_.started[0].name, "kmx-101-20261122-233800-100-c0-b3");
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 PASS", "kmod:0002 PANIC", "kmod:0003 PASS"));
  EXPECT_EQ(r.boots.size(), 3u);
}

TEST_F(RunCell, ProgressIsReportedAfterEveryBoot) {
  driver_.add_boot(boot_running(cell_.tests, "kmod:0002"));
  driver_.add_boot(boot_running({"kmod:0003"}));
  CellContext ctx{driver_, clock_, matrix_, "20261122-233800-100", 100, dir_.path(), Accel::kTcg};
  std::vector<std::size_t> decided;
  run_cell(ctx, cell_, Image{"img-1", "6.1.0-56-amd64", "/k", "/i"}, {},
           [&](const CellResult& partial) { decided.push_back(partial.tests.size()); });
  EXPECT_THAT(decided, ElementsAre(2u, 3u));
}

TEST_F(RunCell, SecondBootAsksOnlyForTheRemainingTests) {
  driver_.add_boot(boot_running(cell_.tests, "kmod:0002"));
  driver_.add_boot(boot_running({"kmod:0003"}));
  run();
  ASSERT_EQ(driver_.started.size(), 2u);
  EXPECT_THAT(driver_.started[0].cmdline, HasSubstr("kmx.tests=kmod:0001@300,kmod:0002@300,kmod:0003@300"));
  EXPECT_THAT(driver_.started[1].cmdline, HasSubstr("kmx.tests=kmod:0003@300"));
  EXPECT_THAT(driver_.started[1].cmdline, Not(HasSubstr("kmod:0002")));
  EXPECT_EQ(driver_.started[0].name, "kmx-100-20261122-233800-100-c0-b1");
  EXPECT_EQ(driver_.started[1].name, "kmx-100-20261122-233800-100-c0-b2");
}

TEST_F(RunCell, VmGetsTheCellShapeAndPerBootLogs) {
  driver_.add_boot(boot_running(cell_.tests));
  const CellResult r = run();
  ASSERT_EQ(driver_.started.size(), 1u);
  const VmSpec& spec = driver_.started[0];
  EXPECT_EQ(spec.vcpus, 2);
  EXPECT_EQ(spec.memory_mib, 512);
  EXPECT_EQ(spec.initrd, "/cache/initrd.cpio");
  EXPECT_EQ(spec.console_log, dir_.path() / "cells/debian-6.1.host.2cpu.512M/boot-1/console.log");
  EXPECT_EQ(r.boots[0].console_log, "cells/debian-6.1.host.2cpu.512M/boot-1/console.log");
}

TEST_F(RunCell, ExpectationsFromTheMatrixAreApplied) {
  driver_.add_boot(boot_running(cell_.tests, "kmod:0002"));
  driver_.add_boot(boot_running({"kmod:0003"}));
  const CellResult r = run();
  EXPECT_FALSE(r.tests[1].as_expected);  // PANIC where PASS is expected
  EXPECT_TRUE(r.tests[2].as_expected);
  EXPECT_THAT(r.tests[2].expected, ElementsAre(Verdict::kPass, Verdict::kSkip));
  EXPECT_EQ(r.tests[2].expected_reason, "skips without xfs");
}

TEST_F(RunCell, TestOutputIsWrittenBesideTheCell) {
  driver_.add_boot(boot_running(cell_.tests));
  const CellResult r = run();
  EXPECT_EQ(r.tests[0].log, "cells/debian-6.1.host.2cpu.512M/tests/kmod-0001.log");
  EXPECT_EQ(read_file(dir_.path() / r.tests[0].log), "running kmod:0001\n");
}

TEST_F(RunCell, CrashInEveryBootStillEndsWithOneBootPerTest) {
  driver_.add_boot(boot_running(cell_.tests, "kmod:0001"));
  driver_.add_boot(boot_running({"kmod:0002", "kmod:0003"}, "kmod:0002"));
  driver_.add_boot(boot_running({"kmod:0003"}, "kmod:0003"));
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 PANIC", "kmod:0002 PANIC", "kmod:0003 PANIC"));
  EXPECT_EQ(r.boots.size(), 3u);
}

TEST_F(RunCell, StartFailureIsRetried) {
  driver_.add_boot(start_failure());
  driver_.add_boot(boot_running(cell_.tests));
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 PASS", "kmod:0002 PASS", "kmod:0003 PASS"));
  ASSERT_EQ(r.boots.size(), 2u);
  EXPECT_EQ(r.boots[0].end, "start-failed");
  EXPECT_EQ(r.tests[0].boot, 2);
}

TEST_F(RunCell, RepeatedStartFailureIsRetriedBoundedThenErrorWithItsCause) {
  // 3 start attempts, then 2 infrastructure retries of 3 attempts each.
  for (int i = 0; i < 9; ++i) driver_.add_boot(start_failure());
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 ERROR", "kmod:0002 ERROR", "kmod:0003 ERROR"));
  EXPECT_EQ(r.boots.size(), 9u);
  EXPECT_EQ(driver_.started.size(), 9u);
  EXPECT_THAT(r.tests[0].evidence, HasSubstr("VM did not start"));
  EXPECT_THAT(r.tests[0].evidence, HasSubstr("process exited while connecting to monitor"));
}

TEST_F(RunCell, ErrorThatClearsOnRetryTakesTheRetryVerdict) {
  for (int i = 0; i < 3; ++i) driver_.add_boot(start_failure());
  driver_.add_boot(boot_running(cell_.tests));
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 PASS", "kmod:0002 PASS", "kmod:0003 PASS"));
  EXPECT_THAT(r.tests[0].evidence, HasSubstr("rerun 1 after ERROR: VM did not start"));
  EXPECT_TRUE(r.tests[0].as_expected);
}

// A boot where kmod:0001 exits with `exit_code` and the others pass.
ScriptedBoot boot_with_first_exit(const std::vector<std::string>& tests, int exit_code) {
  ScriptedBoot boot;
  boot.agent.push_back(ev_boot());
  for (const auto& t : tests) {
    boot.agent.push_back(ev_start(t) + ev_output(t, "kmod_test: FAIL, expected 0") +
                         ev_end(t, t == "kmod:0001" ? exit_code : 0, 0.5));
    boot.console.push_back(begin_marker(t) + end_marker(t));
  }
  boot.agent.push_back(ev_done());
  boot.running_polls = static_cast<int>(boot.agent.size());
  return boot;
}

TEST_F(RunCell, FailThenPassOnRerunIsFlaky) {
  matrix_.reruns = 1;
  driver_.add_boot(boot_with_first_exit(cell_.tests, 1));
  driver_.add_boot(boot_with_first_exit({"kmod:0001"}, 0));
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 FLAKY", "kmod:0002 PASS", "kmod:0003 PASS"));
  EXPECT_THAT(r.tests[0].evidence, HasSubstr("FAIL then PASS on rerun 1"));
  EXPECT_FALSE(r.tests[0].as_expected);  // a flake is news unless the matrix expects it
  EXPECT_THAT(driver_.started[1].cmdline, ::testing::EndsWith("kmx.tests=kmod:0001@300"));
}

TEST_F(RunCell, FailOnEveryRerunStaysFail) {
  matrix_.reruns = 2;
  driver_.add_boot(boot_with_first_exit(cell_.tests, 1));
  driver_.add_boot(boot_with_first_exit({"kmod:0001"}, 1));
  driver_.add_boot(boot_with_first_exit({"kmod:0001"}, 1));
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 FAIL", "kmod:0002 PASS", "kmod:0003 PASS"));
  EXPECT_THAT(r.tests[0].evidence, HasSubstr("rerun 2: FAIL"));
  EXPECT_EQ(driver_.started.size(), 3u);
}

TEST_F(RunCell, WithoutRerunsAFailIsNotRunAgain) {
  driver_.add_boot(boot_with_first_exit(cell_.tests, 1));
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 FAIL", "kmod:0002 PASS", "kmod:0003 PASS"));
  EXPECT_EQ(driver_.started.size(), 1u);
}

TEST_F(RunCell, AgentThatStartsNothingIsErrorAfterTwoInfraRetries) {
  ScriptedBoot idle;
  idle.agent = {ev_boot(), ev_done()};
  idle.running_polls = 2;
  for (int i = 0; i < 3; ++i) driver_.add_boot(idle);
  const CellResult r = run();
  EXPECT_THAT(verdicts(r), ElementsAre("kmod:0001 ERROR", "kmod:0002 ERROR", "kmod:0003 ERROR"));
  EXPECT_EQ(r.boots.size(), 3u);
  EXPECT_THAT(r.tests[2].evidence, HasSubstr("never started"));
}

TEST(FailedCell, EveryTestIsErrorWithTheImageCause) {
  const Matrix m = parse_matrix_text(kMatrix, "cell.toml");
  const CellResult r = failed_cell(m, expand_cells(m).at(0), "kernel 6.1.0-56-amd64 has no module 'xfs'");
  ASSERT_EQ(r.tests.size(), 3u);
  for (const auto& t : r.tests) {
    EXPECT_EQ(t.verdict, Verdict::kError);
    EXPECT_EQ(t.evidence, "image: kernel 6.1.0-56-amd64 has no module 'xfs'");
  }
  EXPECT_TRUE(r.boots.empty());
}

TEST(TestFileName, ReplacesUnsafeCharacters) {
  EXPECT_EQ(test_file_name("kmod:0001"), "kmod-0001");
  EXPECT_EQ(test_file_name("../x y"), "---x-y");
}

}  // namespace
}  // namespace kmx

namespace kmx {
namespace {

TEST_F(RunCell, RoundsComeFromKmodShWhereTheMatrixSetsNone) {
  image_.kmod_rounds = {{"kmod:0001", 3}};
  ScriptedBoot boot;
  boot.agent = {ev_boot() + ev_start("kmod:0001") + ev_round("kmod:0001", 0) + ev_round("kmod:0001", 1) +
                ev_end("kmod:0001", 1) + ev_start("kmod:0002") + ev_end("kmod:0002", 0) + ev_start("kmod:0003") +
                ev_end("kmod:0003", 0) + ev_done()};
  boot.running_polls = 3;
  driver_.add_boot(boot);
  matrix_.reruns = 0;
  const CellResult r = run();
  EXPECT_EQ(test_details_json(r.tests.at(0).details)["iterations"],
            nlohmann::json({{"planned", 3}, {"passed", 1}, {"failed_at", 2}}));
}

TEST_F(RunCell, ATestKilledAtItsLimitLeavesItsHangDumpInTheRunDirectory) {
  ScriptedBoot boot;
  boot.agent = {ev_boot() + ev_start("kmod:0001") +
                agent_line({{"ev", "hang-dump"},
                            {"test", "kmod:0001"},
                            {"text", "pid 311 (modprobe) state D pgrp 300 wchan x\n[<0>] load_module+0x1/0x2\n"}}) +
                agent_line({{"ev", "test-end"},
                            {"test", "kmod:0001"},
                            {"exit", -1},
                            {"signal", 9},
                            {"timed_out", true},
                            {"duration_s", 300.0}}) +
                ev_start("kmod:0002") + ev_end("kmod:0002", 0) + ev_start("kmod:0003") + ev_end("kmod:0003", 0) +
                ev_done()};
  boot.running_polls = 3;
  driver_.add_boot(boot);
  matrix_.reruns = 0;
  const CellResult r = run();
  const TestResult& t = r.tests.at(0);
  EXPECT_EQ(t.verdict, Verdict::kTimeout);
  EXPECT_THAT(t.evidence, HasSubstr("first blocked: pid 311 (modprobe) state D"));
  const std::string dump = test_details_json(t.details)["hang"]["dump"];
  EXPECT_EQ(dump, "cells/" + cell_.id() + "/tests/kmod-0001.hang.txt");
  EXPECT_THAT(read_file(dir_.path() / dump), HasSubstr("load_module+0x1/0x2"));
}

}  // namespace
}  // namespace kmx
