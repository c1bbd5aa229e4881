// results/run_compare: regressions, fixes, changes, one-sided cells and
// tests, and cells whose build or modprobe configuration changed.
#include "analysis/run_compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;

RunResult old_run() { return sample_nightly("n1", "2026-11-20T23:00:00Z"); }
RunResult new_run() { return sample_nightly("n2", "2026-11-21T23:00:00Z"); }

TEST(RunCompare, IdenticalRunsHaveNothingToSay) {
  const auto c = compare_runs(old_run(), new_run());
  EXPECT_FALSE(c.has_regressions());
  EXPECT_TRUE(c.fixes.empty() && c.changes.empty() && c.vanished.empty() && c.missing.empty() && c.only_new.empty());
  EXPECT_FALSE(c.is_unexpected());
  EXPECT_EQ(c.matrix_change, "");
  EXPECT_TRUE(c.configuration_changes.empty());
}

TEST(RunCompare, PassToFailIsARegressionWithBothEvidences) {
  RunResult n = new_run();
  n.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kFail, "agent: exit status 1");
  const auto c = compare_runs(old_run(), n);
  ASSERT_EQ(c.regressions.size(), 1u);
  EXPECT_EQ(c.regressions[0].cell, "debian-6.12.kmod-30.2cpu.1024M");
  EXPECT_EQ(c.regressions[0].test, "kmod:0009");
  EXPECT_EQ(c.regressions[0].old_verdict, Verdict::kPass);
  EXPECT_EQ(c.regressions[0].new_verdict, Verdict::kFail);
  EXPECT_EQ(c.regressions[0].new_evidence, "agent: exit status 1");
  EXPECT_EQ(c.regressions[0].old_evidence, "agent: exit status 0");
}

TEST(RunCompare, RegressionRules) {
  EXPECT_TRUE(is_regression(Verdict::kPass, Verdict::kTimeout));
  EXPECT_TRUE(is_regression(Verdict::kPass, Verdict::kFlaky));
  EXPECT_TRUE(is_regression(Verdict::kFail, Verdict::kPanic));  // a new crash, even from a failure
  EXPECT_TRUE(is_regression(Verdict::kTimeout, Verdict::kHang));
  EXPECT_TRUE(is_regression(Verdict::kSkip, Verdict::kOom));
  EXPECT_FALSE(is_regression(Verdict::kOom, Verdict::kPanic));    // already crashing
  EXPECT_FALSE(is_regression(Verdict::kPass, Verdict::kError));   // the harness, not the kernel
  EXPECT_FALSE(is_regression(Verdict::kError, Verdict::kPanic));  // nothing known before
  EXPECT_FALSE(is_regression(Verdict::kPass, Verdict::kSkip));
  EXPECT_TRUE(is_fix(Verdict::kHang, Verdict::kPass));
  EXPECT_FALSE(is_fix(Verdict::kError, Verdict::kPass));
  EXPECT_FALSE(is_fix(Verdict::kSkip, Verdict::kPass));
}

TEST(RunCompare, FixesAndOtherChangesAreSeparated) {
  RunResult o = old_run();
  o.cells[0].tests[0].verdict = Verdict::kOom;
  o.cells[0].tests[1].verdict = Verdict::kError;
  const auto c = compare_runs(o, new_run());
  ASSERT_EQ(c.fixes.size(), 1u);
  EXPECT_EQ(c.fixes[0].test, "kmod:0001");
  ASSERT_EQ(c.changes.size(), 1u);
  EXPECT_EQ(c.changes[0].old_verdict, Verdict::kError);
  EXPECT_FALSE(c.has_regressions());
}

TEST(RunCompare, CellsMatchByKernelKmodVcpusAndMemory) {
  RunResult n = new_run();
  n.cells[1].cell.memory_mib = 2048;  // a different cell now
  const auto c = compare_runs(old_run(), n);
  ASSERT_EQ(c.vanished.size(), 1u);
  EXPECT_EQ(c.vanished[0].cell, "debian-6.12.kmod-30.2cpu.1024M");
  EXPECT_TRUE(c.vanished[0].test.empty());
  EXPECT_EQ(c.vanished[0].cell_tests, (std::vector<std::string>{"kmod:0001", "kmod:0009"}));
  ASSERT_EQ(c.only_new.size(), 1u);
  EXPECT_EQ(c.only_new[0].cell, "debian-6.12.kmod-30.2cpu.2048M");
  EXPECT_TRUE(c.is_unexpected());
}

TEST(RunCompare, TestsOnOneSideOnly) {
  RunResult n = new_run();
  n.cells[0].tests.pop_back();
  n.cells[0].tests.push_back(sample_test("kmod:0010", Verdict::kPanic, "console: Kernel panic"));
  const auto c = compare_runs(old_run(), n);
  ASSERT_EQ(c.vanished.size(), 1u);
  EXPECT_EQ(c.vanished[0].test, "kmod:0009");
  EXPECT_EQ(c.vanished[0].old_verdict, Verdict::kPass);
  ASSERT_EQ(c.only_new.size(), 1u);
  EXPECT_EQ(c.only_new[0].new_verdict, Verdict::kPanic);
}

TEST(RunCompare, ChangedKmodBuildIsAConfigurationChangeAndFlagsItsVerdicts) {
  RunResult n = new_run();
  n.cells[0].kmod_build["options"] = {"--with-zstd"};
  n.cells[0].tests[1].verdict = Verdict::kFail;
  const auto c = compare_runs(old_run(), n);
  ASSERT_EQ(c.configuration_changes.size(), 1u);
  EXPECT_EQ(c.configuration_changes[0].field, "kmod_build");
  EXPECT_EQ(c.configuration_changes[0].cell, "debian-6.1.kmod-30.1cpu.512M");
  ASSERT_EQ(c.regressions.size(), 1u);
  EXPECT_TRUE(c.regressions[0].configuration_changed);
}

// Debian rolled the package under the same kernel name between two nights.
TEST(RunCompare, AKernelPackageRolledUnderTheSameNameIsAConfigurationChange) {
  RunResult n = new_run();
  n.cells[1].kernel_package = "linux-image-6.1.0-57-amd64";
  n.cells[1].kernel_debian_version = "6.1.192-3";
  n.cells[1].guest_uname = "6.1.0-57-amd64";
  n.cells[1].tests[1].verdict = Verdict::kFail;
  const auto c = compare_runs(old_run(), n);
  ASSERT_EQ(c.configuration_changes.size(), 1u);
  EXPECT_EQ(c.configuration_changes[0].field, "kernel");
  EXPECT_EQ(c.configuration_changes[0].old_value, "linux-image-debian-6.12-amd64 6.1.158-1 (uname -r 6.1.0-56-amd64)");
  EXPECT_EQ(c.configuration_changes[0].new_value, "linux-image-6.1.0-57-amd64 6.1.192-3 (uname -r 6.1.0-57-amd64)");
  ASSERT_EQ(c.regressions.size(), 1u);
  EXPECT_TRUE(c.regressions[0].configuration_changed);
}

TEST(RunCompare, AKernelNotRecordedByTheOldRunIsNoChange) {
  RunResult o = old_run();
  for (auto& cell : o.cells) cell.kernel_debian_version.clear(), cell.guest_uname.clear();
  RunResult n = new_run();
  n.cells[0].kernel_debian_version = "6.1.192-3";
  EXPECT_TRUE(compare_runs(o, n).configuration_changes.empty());
}

TEST(RunCompare, ChangedModprobeConfigDigestIsAConfigurationChange) {
  RunResult n = new_run();
  n.cells[1].guest_modprobe_config["sha256"] = "cd34";
  const auto c = compare_runs(old_run(), n);
  ASSERT_EQ(c.configuration_changes.size(), 1u);
  EXPECT_EQ(c.configuration_changes[0].field, "guest_modprobe_config.sha256");
  EXPECT_EQ(c.configuration_changes[0].old_value, kSampleModprobeSha256);
  EXPECT_EQ(c.configuration_changes[0].new_value, "cd34");
}

TEST(RunCompare, ConfigurationNotRecordedByTheOldRunIsNoChange) {
  RunResult o = old_run();
  o.cells[0].kmod_build = nlohmann::json::object();  // results.json from before kmod_build existed
  o.cells[1].guest_modprobe_config = nlohmann::json::object();
  EXPECT_TRUE(compare_runs(o, new_run()).configuration_changes.empty());
}

TEST(RunCompare, ChangedRoundsAndDuplicateLoadWasteAreInformationNotRegressions) {
  RunResult n = new_run();
  set_detail(n.cells[0].tests[1].details, "iterations", {{"planned", 150}, {"passed", 20}, {"failed_at", 21}});
  set_detail(n.cells[1].tests[1].details, "module_stats", sample_module_stats(12));
  const auto c = compare_runs(old_run(), n);
  EXPECT_FALSE(c.has_regressions());
  EXPECT_TRUE(c.changes.empty());
  ASSERT_EQ(c.information.size(), 3u);
  EXPECT_EQ(c.information[0].cell, "debian-6.1.kmod-30.1cpu.512M");
  EXPECT_EQ(c.information[0].field, "iterations");
  EXPECT_EQ(c.information[0].text, "150/150 passed -> 20/150 passed, failed at round 21");
  EXPECT_TRUE(c.information[0].old_value["failed_at"].is_null());
  EXPECT_EQ(c.information[0].new_value["failed_at"], 21);
  EXPECT_EQ(c.information[1].field, "module_stats.delta.Mods failed on load");
  EXPECT_EQ(c.information[1].old_value, 7);
  EXPECT_EQ(c.information[1].new_value, 12);
  EXPECT_EQ(c.information[2].field, "module_stats.delta.Virtual mem wasted bytes");
  const std::string text = render_comparison_text(c);
  EXPECT_THAT(text, HasSubstr("information (3): rounds and module stats, not regressions\n"
                              "  kmod:0009 on debian-6.1.kmod-30.1cpu.512M: 150/150 passed -> 20/150 passed, failed "
                              "at round 21\n"
                              "  kmod:0009 on debian-6.12.kmod-30.2cpu.1024M: Mods failed on load 7 -> 12\n"));
  EXPECT_TRUE(text.ends_with("0 new, 0 configuration changes, 3 information\n")) << text;
  const auto j = comparison_to_json(c);
  EXPECT_EQ(j["information"][1]["field"], "module_stats.delta.Mods failed on load");
  EXPECT_EQ(j["information"][1]["new"], 12);
  EXPECT_EQ(j["information"][0]["old"]["passed"], 150);
}

TEST(RunCompare, AVerdictChangeWithRoundsIsARegressionAndInformation) {
  RunResult n = new_run();
  n.cells[0].tests[1].verdict = Verdict::kFail;
  set_detail(n.cells[0].tests[1].details, "iterations", {{"planned", 150}, {"passed", 0}, {"failed_at", 1}});
  const auto c = compare_runs(old_run(), n);
  ASSERT_EQ(c.regressions.size(), 1u);
  ASSERT_EQ(c.information.size(), 1u);
  EXPECT_EQ(c.information[0].text, "150/150 passed -> 0/150 passed, failed at round 1");
}

TEST(RunCompare, RoundsOrStatsRecordedOnOneSideOnlyAreNoInformation) {
  RunResult o = old_run();
  erase_detail(o.cells[0].tests[1].details, "iterations");  // a results.json from before rounds were recorded
  set_detail(o.cells[1].tests[1].details, "module_stats", {{"present", false}, {"why", "no debugfs"}});
  RunResult n = new_run();
  set_detail(n.cells[0].tests[1].details, "iterations", {{"planned", 150}, {"passed", 0}, {"failed_at", 1}});
  set_detail(n.cells[1].tests[1].details, "module_stats", sample_module_stats(12));
  set_detail(n.cells[0].tests[0].details, "iterations", "x");
  const auto c = compare_runs(o, n);
  EXPECT_TRUE(c.information.empty());
  EXPECT_TRUE(render_comparison_text(c).ends_with("configuration changes\n"));
}

TEST(RunCompare, JsonHasTheFiveListsWithCellTestAndBothSides) {
  RunResult n = new_run();
  n.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kHang, "console: INFO: task modprobe blocked");
  n.cells[0].tests.pop_back();
  const auto j = comparison_to_json(compare_runs(old_run(), n));
  for (const char* key : {"regressions", "missing", "vanished", "fixes", "changes", "only_new"})
    EXPECT_TRUE(j[key].is_array()) << key;
  const auto& r = j["regressions"][0];
  EXPECT_EQ(r["cell"], "debian-6.12.kmod-30.2cpu.1024M");
  EXPECT_EQ(r["test"], "kmod:0009");
  EXPECT_EQ(r["old"]["verdict"], "PASS");
  EXPECT_EQ(r["new"]["verdict"], "HANG");
  EXPECT_EQ(r["new"]["evidence"], "console: INFO: task modprobe blocked");
  EXPECT_TRUE(j["vanished"][0]["new"].is_null());
  EXPECT_EQ(r["old"]["log"], "cells/kmod:0009.log");  // relative: the caller gave no run directory
}

TEST(RunCompare, TextNamesEachSectionAndSummarizes) {
  RunResult n = new_run();
  n.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kFail, "agent: exit status 1");
  n.cells[0].guest_modprobe_config["sha256"] = "cd34";
  const std::string text = render_comparison_text(compare_runs(old_run(), n));
  EXPECT_THAT(text, HasSubstr("regressions (1):\n  kmod:0009 on debian-6.12.kmod-30.2cpu.1024M: PASS -> FAIL\n"));
  EXPECT_THAT(text, HasSubstr("      agent: exit status 1\n"));
  EXPECT_THAT(text, HasSubstr("debian-6.1.kmod-30.1cpu.512M: guest_modprobe_config.sha256 \"" + kSampleModprobeSha256 +
                              "\" -> \"cd34\""));
  EXPECT_TRUE(
      text.ends_with("1 regression, 0 missing, 0 vanished, 0 fixes, 0 other changes, 0 new, 1 configuration change\n"))
      << text;
}

// Issue 25: a crafted or imported run's text reaches the terminal escaped.
TEST(RunCompare, TextFromTheRunsCannotSteerTheTerminal) {
  RunResult n = new_run();
  n.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kFail, "agent: \x1b[2J\nregressions (0):\xE2\x80\xA8");
  const std::string text = render_comparison_text(compare_runs(old_run(), n));
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_THAT(text, HasSubstr("      agent: \\x1b[2J\\x0aregressions (0):\\u2028\n"));
}

// Issue 29: work that stops running must not pass. A run that lost two
// cells and a test, of another matrix, exited 0 with "(whole cell) ...: - -> -".
TEST(RunCompare, VanishedCellsAndTestsAreNamedUnexpectedAndADifferentMatrixIsSaid) {
  RunResult o = old_run();
  o.cells.push_back(sample_cell("debian-6.12", "busybox", 1, 512, {sample_test("kmod:0001", Verdict::kPass)}));
  RunResult n = new_run();
  n.matrix_name = "nightly-small";
  n.cells.erase(n.cells.begin() + 1);
  n.cells[0].tests.pop_back();
  const auto c = compare_runs(o, n);
  EXPECT_TRUE(c.is_unexpected());
  EXPECT_EQ(c.matrix_change, "matrix nightly -> nightly-small");
  ASSERT_EQ(c.vanished.size(), 3u);
  const std::string text = render_comparison_text(c);
  EXPECT_THAT(text, HasSubstr("the runs ran different matrices (matrix nightly -> nightly-small)"));
  EXPECT_THAT(text, HasSubstr("vanished: ran before, not now (3):\n"
                              "  kmod:0009 on debian-6.1.kmod-30.1cpu.512M: PASS -> -\n"));
  EXPECT_THAT(text, HasSubstr("  cell debian-6.12.kmod-30.2cpu.1024M (2 tests: kmod:0001, kmod:0009)\n"));
  EXPECT_THAT(text, HasSubstr("  cell debian-6.12.busybox.1cpu.512M (1 test: kmod:0001)\n"));
  EXPECT_THAT(text, HasSubstr("0 regressions, 0 missing, 3 vanished,"));
  EXPECT_EQ(comparison_to_json(c)["vanished"][1]["tests"], nlohmann::json({"kmod:0001", "kmod:0009"}));
}

TEST(RunCompare, AMissTestIsMissingAndUnexpectedWhateverItWasBefore) {
  RunResult n = new_run();
  for (auto& t : n.cells[1].tests) t = sample_test(t.test, Verdict::kMiss, "not run: no merged shard run holds it");
  const auto c = compare_runs(old_run(), n);
  EXPECT_TRUE(c.is_unexpected());
  ASSERT_EQ(c.missing.size(), 2u);
  EXPECT_TRUE(c.regressions.empty());
  EXPECT_THAT(render_comparison_text(c), HasSubstr("missing: planned and not run (a lost shard) (2):\n"
                                                   "  kmod:0001 on debian-6.12.kmod-30.2cpu.1024M: PASS -> MISS\n"));
}

TEST(RunCompare, JsonJoinsEachLogToItsRunDirectory) {
  RunResult n = new_run();
  n.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kFail, "agent: exit status 1");
  RunComparison c = compare_runs(old_run(), n);
  c.old_run_dir = "results/n1";
  c.new_run_dir = "results/n2";
  const auto j = comparison_to_json(c);
  EXPECT_EQ(j["regressions"][0]["old"]["log"], "results/n1/cells/kmod:0009.log");
  EXPECT_EQ(j["regressions"][0]["new"]["log"], "results/n2/cells/kmod:0009.log");
}

// A regression the new run's [[known_issue]] covers is listed with its link, not counted.
TEST(RunCompare, ARegressionAKnownIssueCoversIsListedApartWithItsLink) {
  RunResult n = new_run();
  n.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kFail, "agent: exit status 1");
  n.cells[1].tests[1].known_issue =
      KnownIssue{"kmod:0009", std::nullopt, std::nullopt, true, "https://bugs.example/1", "request_module throttle"};
  const auto c = compare_runs(old_run(), n);
  EXPECT_TRUE(c.regressions.empty());
  ASSERT_EQ(c.known_issues.size(), 1u);
  EXPECT_FALSE(c.is_unexpected());
  const auto j = comparison_to_json(c);
  EXPECT_EQ(j["known_issues"][0]["known_issue"]["link"], "https://bugs.example/1");
  EXPECT_EQ(j["known_issues"][0]["known_issue"]["intermittent"], true);
  const std::string text = render_comparison_text(c);
  EXPECT_THAT(text, HasSubstr("known issue (intermittent): https://bugs.example/1 request_module throttle"));
  EXPECT_THAT(text, HasSubstr(", 1 known issue\n"));
}

// A git source's new commit is a configuration change naming both revisions.
TEST(RunCompare, ANewCommitOfAGitSourceIsARevisionChange) {
  RunResult o = old_run(), n = new_run();
  o.cells[1].cell.kmod.record = {
      {"repo", "/srv/kmod.git"}, {"ref", "master"}, {"commit", std::string(40, 'a')}, {"subject", "old"}};
  n.cells[1].cell.kmod.record = {
      {"repo", "/srv/kmod.git"}, {"ref", "master"}, {"commit", std::string(40, 'b')}, {"subject", "libkmod: new"}};
  n.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kFail, "agent: exit status 1");
  const auto c = compare_runs(o, n);
  ASSERT_EQ(c.configuration_changes.size(), 1u);
  EXPECT_EQ(c.configuration_changes[0].field, "kmod.revision");
  EXPECT_EQ(c.configuration_changes[0].new_value["subject"], "libkmod: new");
  ASSERT_EQ(c.regressions.size(), 1u);
  EXPECT_TRUE(c.regressions[0].configuration_changed);
}

}  // namespace
}  // namespace kmx
