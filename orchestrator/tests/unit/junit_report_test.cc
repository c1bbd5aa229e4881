// results/junit_report: JUnit XML per cell and test, checked as text and,
// as an Integration test, by a real consumer (Debian's python3-junitparser).
#include "reports/junit_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "os/files.h"
#include "report_test_support.h"
#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;
using ::testing::Not;

RunResult run_with_every_outcome() {
  RunResult run = sample_nightly("n2", "2026-11-21T23:00:00Z");
  auto& tests = run.cells[1].tests;
  tests[1] = sample_test("kmod:0009", Verdict::kPanic, "console: Kernel panic - not syncing: <oops> & \x01 \xff");
  set_detail(tests[1].details, "iterations", {{"planned", 150}, {"passed", 0}, {"failed_at", 1}});
  tests.push_back(sample_test("kmod:0010", Verdict::kError, "host: agent stopped answering"));
  tests.push_back(sample_test("kmod:0011", Verdict::kSkip, "agent: test_kmod not built"));
  TestResult expected_oom = sample_test("kmod:0012", Verdict::kOom, "console: Out of memory: Killed process 81");
  expected_oom.expected = {Verdict::kOom};
  expected_oom.expected_reason = "160 MiB is below what 0012 needs";
  expected_oom.as_expected = true;
  tests.push_back(expected_oom);
  return run;
}

TEST(JunitReport, OneSuitePerCellWithCounts) {
  const std::string xml = render_junit(run_with_every_outcome(), {});
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"debian-6.1.kmod-30.1cpu.512M\" tests=\"2\" failures=\"0\" errors=\"0\" "
                             "skipped=\"0\""));
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"debian-6.12.kmod-30.2cpu.1024M\" tests=\"5\" failures=\"1\" "
                             "errors=\"1\" skipped=\"2\""));
  EXPECT_THAT(xml, HasSubstr("tests=\"7\" failures=\"1\" errors=\"1\" skipped=\"2\""));
}

TEST(JunitReport, PassIsAnEmptyTestcase) {
  EXPECT_THAT(render_junit(run_with_every_outcome(), {}),
              HasSubstr("<testcase name=\"kmod:0001\" classname=\"debian-6.1.kmod-30.1cpu.512M\" time=\"1.500\"/>"));
}

TEST(JunitReport, FailureCarriesVerdictAndEscapedEvidence) {
  const std::string xml = render_junit(run_with_every_outcome(), {});
  EXPECT_THAT(xml,
              HasSubstr("<failure type=\"PANIC\" message=\"PANIC: console: Kernel panic - not syncing: &lt;oops&gt; "
                        "&amp;  \xEF\xBF\xBD\">"));
  EXPECT_THAT(xml, Not(HasSubstr("\x01")));
}

TEST(JunitReport, ErrorSkipAndExpectedVerdicts) {
  const std::string xml = render_junit(run_with_every_outcome(), {});
  EXPECT_THAT(xml, HasSubstr("<error type=\"ERROR\" message=\"ERROR: host: agent stopped answering\">"));
  EXPECT_THAT(xml, HasSubstr("<skipped message=\"agent: test_kmod not built\"/>"));
  EXPECT_THAT(xml, HasSubstr("<skipped message=\"expected OOM: 160 MiB is below what 0012 needs (console: Out of "
                             "memory: Killed process 81)\"/>"));
}

TEST(JunitReport, RoundsAndTheMemoryLowPointAreTestcaseProperties) {
  const std::string xml = render_junit(run_with_every_outcome(), {});
  // A PASS with properties is no longer an empty element.
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"kmod:0009\" classname=\"debian-6.1.kmod-30.1cpu.512M\" "
                             "time=\"1.500\">\n"
                             "      <properties>\n"
                             "        <property name=\"iterations_planned\" value=\"150\"/>\n"
                             "        <property name=\"iterations_passed\" value=\"150\"/>\n"
                             "        <property name=\"min_available_kib\" value=\"401200\"/>\n"
                             "      </properties>\n"
                             "    </testcase>\n"));
  // Properties come first, then the failure.
  EXPECT_THAT(xml, HasSubstr("        <property name=\"iterations_failed_at\" value=\"1\"/>\n"
                             "      </properties>\n"
                             "      <failure type=\"PANIC\""));
}

TEST(JunitReport, MistypedRoundsGiveNoProperties) {
  RunResult run = run_with_every_outcome();
  set_detail(run.cells[0].tests[1].details, "iterations", {{"planned", "<x>"}});
  set_detail(run.cells[0].tests[1].details, "memory", "x");
  EXPECT_THAT(render_junit(run, {}),
              HasSubstr("<testcase name=\"kmod:0009\" classname=\"debian-6.1.kmod-30.1cpu.512M\" time=\"1.500\"/>"));
}

TEST(JunitReport, FailureIncludesTheBoundedTestLog) {
  ScratchDir dir;
  RunResult run = run_with_every_outcome();
  write_file_atomically(dir.path() / "cells/kmod:0009.log", std::string(200000, 'y') + "\nlast words <here>\n");
  const std::string xml = render_junit(run, {dir.path(), nullptr, 4096});
  EXPECT_THAT(xml, HasSubstr("--- cells/kmod:0009.log ---\n[... first "));
  EXPECT_THAT(xml, HasSubstr("last words &lt;here&gt;\n</failure>"));
  EXPECT_LT(xml.size(), 20000u);
}

constexpr const char* kReadWithJunitparser = R"py(
import sys
from junitparser import JUnitXml
xml = JUnitXml.fromfile(sys.argv[1])
for suite in xml:
    print("suite", suite.name, suite.tests, suite.failures, suite.errors, suite.skipped)
    for case in suite:
        kinds = ",".join(type(r).__name__ for r in case.result) or "Passed"
        text = "".join((r.text or "") for r in case.result)
        print("case", case.classname, case.name, kinds, case.time, len(text))
        # junitparser 2 has no testcase properties; read them from its element.
        for prop in case._elem.iter("property"):
            print("property", case.classname, case.name, prop.get("name"), prop.get("value"))
)py";

TEST(IntegrationJunit, JunitparserReadsEverySuiteAndCase) {
  ScratchDir dir;
  RunResult run = run_with_every_outcome();
  write_file_atomically(dir.path() / "cells/kmod:0009.log",
                        std::string("\x02\x1b[31mboom\xfe\n") + std::string(5000, 'z'));
  const auto file = dir.path() / "junit.xml";
  write_file_atomically(file, render_junit(run, {dir.path(), nullptr, 1024}));
  const ProcessResult r = run_debian_python(kReadWithJunitparser, {file.string()});
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_THAT(r.output, HasSubstr("suite debian-6.1.kmod-30.1cpu.512M 2 0 0 0\n"));
  EXPECT_THAT(r.output, HasSubstr("suite debian-6.12.kmod-30.2cpu.1024M 5 1 1 2\n"));
  EXPECT_THAT(r.output, HasSubstr("case debian-6.1.kmod-30.1cpu.512M kmod:0001 Passed 1.5"));
  EXPECT_THAT(r.output, HasSubstr("case debian-6.12.kmod-30.2cpu.1024M kmod:0009 Failure 1.5"));
  EXPECT_THAT(r.output, HasSubstr("kmod:0010 Error 1.5"));
  EXPECT_THAT(r.output, HasSubstr("kmod:0011 Skipped 1.5"));
  EXPECT_THAT(r.output, HasSubstr("kmod:0012 Skipped 1.5"));
  EXPECT_THAT(r.output, HasSubstr("case debian-6.1.kmod-30.1cpu.512M kmod:0009 Passed 1.5"));
  EXPECT_THAT(r.output, HasSubstr("property debian-6.1.kmod-30.1cpu.512M kmod:0009 iterations_planned 150\n"));
  EXPECT_THAT(r.output, HasSubstr("property debian-6.1.kmod-30.1cpu.512M kmod:0009 min_available_kib 401200\n"));
  EXPECT_THAT(r.output, HasSubstr("property debian-6.12.kmod-30.2cpu.1024M kmod:0009 iterations_failed_at 1\n"));
}

// Issue 27: the revision a git source tested and a [[known_issue]]'s link.
TEST(JunitReport, GitRevisionsAndAKnownIssueAreTestcaseProperties) {
  RunResult run = run_with_every_outcome();
  run.cells[1].cell.kmod.record = {{"commit", std::string(40, 'b')}, {"subject", "libkmod: <new> & \"x\""}};
  run.cells[1].tests[1].known_issue = KnownIssue{"kmod:0009", {}, {}, true, "https://bugs.example/1?a=1&b=2", ""};
  const std::string xml = render_junit(run, {});
  EXPECT_THAT(xml, HasSubstr("<property name=\"kmod_revision\" value=\"" + std::string(40, 'b') +
                             " libkmod: &lt;new&gt; &amp; &quot;x&quot;\"/>"));
  EXPECT_THAT(xml, HasSubstr("<property name=\"known_issue\" value=\"https://bugs.example/1?a=1&amp;b=2\"/>"));
  EXPECT_THAT(render_junit(run_with_every_outcome(), {}), Not(HasSubstr("kmod_revision")));
}

// Issue 27: junitparser reads the git revision and known-issue properties back.
TEST(IntegrationJunit, JunitparserReadsTheRevisionAndKnownIssueProperties) {
  ScratchDir dir;
  RunResult run = run_with_every_outcome();
  run.cells[1].cell.kmod.record = {{"commit", std::string(40, 'b')}, {"subject", "libkmod: <new> & x"}};
  run.cells[1].tests[1].known_issue = KnownIssue{"kmod:0009", {}, {}, true, "https://bugs.example/1?a=1&b=2", ""};
  const auto file = dir.path() / "junit.xml";
  write_file_atomically(file, render_junit(run, {}));
  const ProcessResult r = run_debian_python(kReadWithJunitparser, {file.string()});
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_THAT(r.output, HasSubstr("property debian-6.12.kmod-30.2cpu.1024M kmod:0009 kmod_revision " +
                                  std::string(40, 'b') + " libkmod: <new> & x\n"));
  EXPECT_THAT(r.output, HasSubstr("property debian-6.12.kmod-30.2cpu.1024M kmod:0009 known_issue "
                                  "https://bugs.example/1?a=1&b=2\n"));
}

}  // namespace
}  // namespace kmx
