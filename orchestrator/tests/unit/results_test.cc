// results/: results.json and the terminal matrix, rendered from plain data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "fakes.h"
#include "os/files.h"
#include "reports/matrix_report.h"
#include "reports/matrix_text_writer.h"
#include "sample_runs.h"
#include "store/cell_journal.h"
#include "store/results_json.h"
#include "store/results_json_writer.h"
#include "verdict/test_details.h"

namespace kmx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace kmx::testing;

TestResult test_result(const std::string& id, Verdict v, bool as_expected, double duration = 1.25) {
  TestResult t;
  t.test = id;
  t.verdict = v;
  t.evidence = "agent: exit status 0";
  t.duration_s = duration;
  t.expected = {as_expected ? v : Verdict::kPass};
  t.as_expected = as_expected;
  t.boot = 1;
  return t;
}

CellResult cell_result(int vcpus, int memory, std::vector<TestResult> tests, double boot_s) {
  CellResult c;
  c.cell = Cell{0,
                KernelSpec{{"debian-6.1", "debian", "m.toml:9:1", {{"package", "linux-image-6.1.0-56-amd64"}}}},
                KmodSpec{{"host", "host", "m.toml:14:1"}},
                vcpus,
                memory,
                {"kmod:0001", "kmod:0002"}};
  c.image_id = "6.1.0-56-amd64_host-0123-abcd";
  c.test_modules_built_against = "Debian's linux-headers-6.1.0-56-amd64";
  c.tests = std::move(tests);
  if (boot_s >= 0) {
    BootSummary b;
    b.index = 1;
    b.boot_seconds = boot_s;
    b.end = "stopped";
    c.boots.push_back(b);
  }
  return c;
}

void append_to_file(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::app) << text; }

RunResult sample_run() {
  RunResult run;
  run.run_id = "20261122-233800-4821";
  run.matrix_name = "smoke";
  run.matrix_file = "matrices/smoke.toml";
  run.accel = "tcg";
  run.accel_reason = "forced by --accel tcg";
  TestResult panic = test_result("kmod:0002", Verdict::kPanic, false, 3.5);
  panic.evidence = "console: [   42.0] Kernel panic - not syncing: sysrq triggered crash";
  run.cells.push_back(cell_result(1, 512, {test_result("kmod:0001", Verdict::kPass, true), panic}, 2.1));
  run.cells.push_back(cell_result(
      2, 160, {test_result("kmod:0001", Verdict::kPass, true), test_result("kmod:0002", Verdict::kOom, true)}, -1));
  return run;
}

TEST(ResultsJson, HasRunIdAndHost) {
  const auto j = to_json(sample_run());
  EXPECT_EQ(j["format"], kResultsFormatVersion);
  EXPECT_EQ(j["run_id"], "20261122-233800-4821");
  EXPECT_EQ(j["host"]["accel"], "tcg");
  EXPECT_EQ(j["host"]["accel_reason"], "forced by --accel tcg");
  EXPECT_EQ(j["matrix"]["name"], "smoke");
}

TEST(ResultsJson, CellsCarryShapeAndBootTime) {
  const auto j = to_json(sample_run());
  ASSERT_EQ(j["cells"].size(), 2u);
  EXPECT_EQ(j["cells"][0]["id"], "debian-6.1.host.1cpu.512M");
  EXPECT_EQ(j["cells"][0]["vcpus"], 1);
  EXPECT_EQ(j["cells"][1]["memory_mib"], 160);
  EXPECT_DOUBLE_EQ(j["cells"][0]["boot_s"].get<double>(), 2.1);
  EXPECT_DOUBLE_EQ(j["cells"][1]["boot_s"].get<double>(), -1);  // never booted
  EXPECT_EQ(j["cells"][0]["kernel"]["package"], "linux-image-6.1.0-56-amd64");
  EXPECT_EQ(j["cells"][0]["test_modules_built_against"], "Debian's linux-headers-6.1.0-56-amd64");
}

TEST(ResultsJson, TestsCarryVerdictEvidenceAndDuration) {
  const auto t = to_json(sample_run())["cells"][0]["tests"][1];
  EXPECT_EQ(t["id"], "kmod:0002");
  EXPECT_EQ(t["verdict"], "PANIC");
  EXPECT_EQ(t["evidence"], "console: [   42.0] Kernel panic - not syncing: sysrq triggered crash");
  EXPECT_DOUBLE_EQ(t["duration_s"].get<double>(), 3.5);
  EXPECT_EQ(t["expected"], nlohmann::json::array({"PASS"}));
  EXPECT_EQ(t["as_expected"], false);
}

TEST(ResultsJson, CountsUnexpectedVerdicts) { EXPECT_EQ(to_json(sample_run())["unexpected"], 1); }

TEST(ResultsJson, WriteIsAtomicAndLeavesNoTemporary) {
  ScratchDir dir;
  const fs::path run_dir = dir.path() / "results" / "20261122-233800-4821";
  write_results_json(sample_run(), run_dir);
  write_results_json(sample_run(), run_dir);  // replaces, never appends
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(run_dir)) files.push_back(e.path().filename().string());
  EXPECT_EQ(files, std::vector<std::string>{"results.json"});
  EXPECT_EQ(nlohmann::json::parse(read_file(run_dir / "results.json")), to_json(sample_run()));
}

TEST(ResultsJson, InvalidUtf8InEvidenceDoesNotCostTheFile) {
  ScratchDir dir;
  RunResult run = sample_run();
  run.cells[0].tests[0].evidence = "agent: \xff\xfe broken";
  ASSERT_NO_THROW(write_results_json(run, dir.path()));
  const auto j = nlohmann::json::parse(read_file(dir.path() / "results.json"));
  EXPECT_THAT(j["cells"][0]["tests"][0]["evidence"].get<std::string>(), HasSubstr(" broken"));
}

TEST(ResultsJson, CellResultsReadBackForResume) {
  ScratchDir dir;
  RunResult run = sample_run();
  write_results_json(run, dir.path());
  auto cells = read_cell_results(dir.path());
  ASSERT_EQ(cells.size(), 2u);
  ASSERT_EQ(cells.count("debian-6.1.host.2cpu.160M"), 1u);
  const auto& c = cells.at("debian-6.1.host.2cpu.160M");
  ASSERT_EQ(c.tests.size(), 2u);
  EXPECT_EQ(c.tests[1].verdict, Verdict::kOom);
  EXPECT_EQ(c.tests[1].duration_s, run.cells.back().tests[1].duration_s);
  EXPECT_TRUE(c.tests[1].as_expected);
  EXPECT_EQ(c.test_modules_built_against, "Debian's linux-headers-6.1.0-56-amd64");
}

TEST(ResultsJson, AWholeRunReadsBackAsItWasWritten) {
  ScratchDir dir;
  RunResult run = sample_run();
  run.started_at = "2026-11-22T23:38:00Z";
  run.finished_at = "2026-11-22T23:40:00Z";
  run.cells[0].boots[0].garbage_samples = {"\x01junk"};
  run.cells[0].boots[0].agent_problems = {"no /dev/kmsg"};
  set_detail(run.cells[0].tests[0].details, "metrics", {{"rounds", 150}});
  run.cells[0].tests[0].rounds = 20;
  run.cells[0].boots[0].truncated["agent"] = {64 << 20, 5};
  write_results_json(run, dir.path());
  const RunResult back = read_run_result(dir.path());
  EXPECT_EQ(to_json(back), to_json(run));
  EXPECT_EQ(back.cells[0].boots[0].truncated, run.cells[0].boots[0].truncated);
  ASSERT_EQ(back.cells.size(), 2u);
  EXPECT_EQ(back.cells[1].cell.id(), "debian-6.1.host.2cpu.160M");
  EXPECT_EQ(back.cells[1].cell.index, 1);
  EXPECT_EQ(back.cells[0].cell.kernel.source, "debian");
}

TEST(ResultsJson, IterationsMemoryOomAndHangAreWrittenAndReadBackOnlyWherePresent) {
  ScratchDir dir;
  RunResult run = sample_run();
  run.cells[0].tests[1].details = read_test_details(sample_observations(run.cells[0].cell.id()));
  const nlohmann::json tests = to_json(run)["cells"][0]["tests"];
  for (const char* key : {"iterations", "memory", "oom", "hang"}) {
    EXPECT_EQ(tests[1][key], details_json(run.cells[0].tests[1].details)[key]) << key;
    EXPECT_FALSE(tests[0].contains(key)) << key;
  }
  EXPECT_TRUE(tests[1]["iterations"]["failed_at"].is_null());
  write_results_json(run, dir.path());
  const RunResult back = read_run_result(dir.path());
  EXPECT_EQ(details_json(back.cells[0].tests[1].details), details_json(run.cells[0].tests[1].details));
  EXPECT_FALSE(details_json(back.cells[0].tests[0].details).contains("iterations"));
  EXPECT_EQ(to_json(back), to_json(run));
}

TEST(ResultsJson, ObservationsOfTheWrongTypeAreDroppedAndOversizedOnesCut) {
  ScratchDir dir;
  nlohmann::json doc = to_json(sample_run());
  auto& t = doc["cells"][0]["tests"][0];
  t["iterations"] = "x";
  t["oom"] = nlohmann::json::array({1, 2});
  t["hang"] = 17;
  t["memory"] = {{"samples", nlohmann::json::array()}};
  for (int i = 0; i < 3000; ++i) t["memory"]["samples"].push_back({{"t", i}, {"avail", 1000 + i}});
  t["memory"]["samples"].push_back("sample 3000");
  write_file_atomically(dir.path() / "results.json", doc.dump());
  RunResult back;
  ASSERT_NO_THROW(back = read_run_result(dir.path()));
  const nlohmann::json details = details_json(back.cells[0].tests[0].details);
  EXPECT_FALSE(details.contains("iterations"));
  EXPECT_FALSE(details.contains("oom"));
  EXPECT_FALSE(details.contains("hang"));
  ASSERT_TRUE(details.contains("memory"));
  EXPECT_EQ(details["memory"]["samples"].size(), kMaxMemorySamples);
}

// A hang dump is linked from reports: read back, it is a path inside the run or nothing.
TEST(ResultsJson, AHangDumpOutsideTheRunIsDropped) {
  ScratchDir dir;
  nlohmann::json doc = to_json(sample_run());
  doc["cells"][0]["tests"][0]["hang"] = {{"dump", "../../etc/passwd"}, {"first_blocked", "modprobe"}};
  doc["cells"][0]["tests"][1]["hang"] = {{"dump", "/etc/shadow"}};
  write_file_atomically(dir.path() / "results.json", doc.dump());
  const RunResult back = read_run_result(dir.path());
  ASSERT_TRUE(back.cells[0].tests[0].details.hang);
  EXPECT_EQ(back.cells[0].tests[0].details.hang->dump, "");
  EXPECT_EQ(back.cells[0].tests[0].details.hang->first_blocked, "modprobe");
  EXPECT_FALSE(back.cells[0].tests[1].details.hang);
}

// Issue 14: a boot cut at its cap said so only in end_detail's prose.
TEST(ResultsJson, ABootThatHitACapRecordsTheBytesKeptAndDroppedPerPort) {
  RunResult run = sample_run();
  run.cells[0].boots.push_back(run.cells[0].boots[0]);
  run.cells[0].boots[0].truncated["console"] = {8 << 20, 123};
  const nlohmann::json boots = to_json(run)["cells"][0]["boots"];
  ASSERT_EQ(boots.size(), 2u);
  EXPECT_EQ(boots[0]["truncated"],
            nlohmann::json::parse(R"({"console": {"kept_bytes": 8388608, "dropped_bytes": 123}})"));
  EXPECT_FALSE(boots[1].contains("truncated"));
}

TEST(ResultsJson, MissingRunIsAnErrorNamingTheFile) {
  ScratchDir dir;
  try {
    read_run_result(dir.path() / "nowhere");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("nowhere/results.json does not exist"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

TEST(RunWriters, AJournalLinePerCellThenResultsJsonAndMatrixTextAtTheEnd) {
  ScratchDir dir;
  const RunResult run = sample_run();
  ResultsJsonWriter json_writer(dir.path());
  MatrixTextWriter text_writer(dir.path());
  json_writer.on_cell(run, run.cells[0]);
  json_writer.on_cell(run, run.cells[1]);
  text_writer.on_cell(run, run.cells[0]);
  EXPECT_FALSE(fs::exists(dir.path() / "results.json"));
  EXPECT_FALSE(fs::exists(dir.path() / "matrix.txt"));
  const auto lines = CellJournal::read(dir.path() / kCellJournalFile);
  ASSERT_EQ(lines.size(), 3u);  // the header once, then one line per update
  EXPECT_EQ(lines[0]["run"]["run_id"], run.run_id);
  EXPECT_EQ(lines[2]["cell"], cell_json(run.cells[1]));
  json_writer.on_finish(run);
  text_writer.on_finish(run);
  EXPECT_EQ(nlohmann::json::parse(read_file(dir.path() / "results.json")), to_json(run));
  EXPECT_FALSE(fs::exists(dir.path() / kCellJournalFile));  // results.json holds what it said
  EXPECT_EQ(read_file(dir.path() / "matrix.txt"), render_matrix(run));
}

TEST(ResultsJsonJournal, AnUpdateAppendsItsCellAndRewritesNothing) {
  ScratchDir dir;
  RunResult run = sample_run();
  ResultsJsonWriter writer(dir.path());
  writer.on_cell(run, run.cells[0]);
  const auto before = fs::file_size(dir.path() / kCellJournalFile);
  writer.on_cell(run, run.cells[1]);
  const std::string line = nlohmann::json{{"cell", cell_json(run.cells[1])}}.dump() + "\n";
  EXPECT_EQ(fs::file_size(dir.path() / kCellJournalFile), before + line.size());
}

TEST(ResultsJsonJournal, AKilledRunReadsBackFromTheJournalAlone) {
  ScratchDir dir;
  RunResult run = sample_run();
  run.started_at = "2026-11-22T23:38:00Z";
  {
    ResultsJsonWriter writer(dir.path());
    for (const auto& cell : run.cells) writer.on_cell(run, cell);
  }  // SIGKILL: no on_finish
  ASSERT_TRUE(has_run_results(dir.path()));
  const RunResult back = read_run_result(dir.path());
  EXPECT_EQ(to_json(back), to_json(run));
  EXPECT_EQ(read_cell_results(dir.path()).size(), 2u);
}

TEST(ResultsJsonJournal, ResumeReadsTheJournalOverAStaleResultsJson) {
  ScratchDir dir;
  RunResult run = sample_run();
  write_results_json(run, dir.path());  // as a first, interrupted run left it
  // The resumed run reran the panicking test and reached a third cell; then it was killed.
  RunResult resumed = run;
  resumed.cells[0].tests[1] = test_result("kmod:0002", Verdict::kPass, true);
  resumed.cells.push_back(cell_result(4, 1024, {test_result("kmod:0001", Verdict::kPass, true)}, 1.5));
  {
    ResultsJsonWriter writer(dir.path());
    writer.on_cell(resumed, resumed.cells[0]);
    writer.on_cell(resumed, resumed.cells[2]);
  }
  append_to_file(dir.path() / kCellJournalFile, "{\"cell\":{\"id\":\"debian-6.1.host.2cpu.160M\",\"tests\":[");
  const auto cells = read_cell_results(dir.path());
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells.at("debian-6.1.host.1cpu.512M").tests.at(1).verdict, Verdict::kPass);
  EXPECT_EQ(cells.at("debian-6.1.host.2cpu.160M").tests.at(1).verdict, Verdict::kOom);  // the torn line lost nothing
  EXPECT_EQ(cells.at("debian-6.1.host.4cpu.1024M").tests.size(), 1u);
  const RunResult back = read_run_result(dir.path());
  ASSERT_EQ(back.cells.size(), 3u);
  EXPECT_EQ(back.cells[2].cell.id(), "debian-6.1.host.4cpu.1024M");  // after the cells results.json had
}

TEST(ResultsJsonJournal, FinishRendersResultsJsonFromTheWholeRunAndRemovesTheJournal) {
  ScratchDir dir;
  RunResult run = sample_run();
  ResultsJsonWriter writer(dir.path());
  writer.on_cell(run, run.cells[1]);
  run.finished_at = "2026-11-22T23:40:00Z";
  writer.on_finish(run);
  EXPECT_FALSE(fs::exists(dir.path() / kCellJournalFile));
  const RunResult back = read_run_result(dir.path());
  EXPECT_EQ(to_json(back), to_json(run));
  EXPECT_EQ(back.finished_at, "2026-11-22T23:40:00Z");
}

TEST(ResultsJson, CorruptResultsFileIsAnErrorNamingIt) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "results.json", "{\"cells\": [ truncated");
  try {
    read_cell_results(dir.path());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("results.json"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

// Issue 25: results.json is read back as crafted, whoever wrote it (a run,
// merge, or a file handed to import).
std::string crafted_results(const std::string& test_fields, const std::string& kernel = "debian-6.1") {
  return R"({"run_id": "20261201-010203-42", "cells": [{"kernel": {"name": ")" + kernel +
         R"(", "source": "debian"}, "kmod": {"name": "host"}, "vcpus": 1, "memory_mib": 512, "tests": [{"id": )"
         R"("kmod:0001", "verdict": "FAIL", )" +
         test_fields + "}]}]}";
}

TEST(ResultsJsonReadBack, ALogThatLeadsOutOfTheRunIsDropped) {
  for (const char* log : {"../../../../etc/passwd", "/etc/hostname", "javascript:alert(7)", "cells/../../x.log"}) {
    ScratchDir dir;
    write_file_atomically(dir.path() / "results.json", crafted_results(R"("log": ")" + std::string(log) + "\""));
    const RunResult run = read_run_result(dir.path());
    ASSERT_EQ(run.cells.size(), 1u);
    EXPECT_EQ(run.cells[0].tests.at(0).log, "") << log;
  }
  ScratchDir dir;
  write_file_atomically(dir.path() / "results.json", crafted_results(R"("log": "cells/c/tests/kmod:0001.log")"));
  EXPECT_EQ(read_run_result(dir.path()).cells[0].tests.at(0).log, "cells/c/tests/kmod:0001.log");
}

TEST(ResultsJsonReadBack, DeepNestingIsAnErrorNamingTheFileNotACrash) {
  ScratchDir dir;
  const std::string deep = std::string(100000, '{') + std::string(100000, '}');
  std::string metrics;
  for (int i = 0; i < 100000; ++i) metrics += "{\"m\": ";
  metrics += "1" + std::string(100000, '}');
  write_file_atomically(dir.path() / "results.json", crafted_results(R"("metrics": )" + metrics));
  try {
    read_run_result(dir.path());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir.path() / "results.json").string() + " nests"));
  }
  // The same in the journal: the line is not taken, and nothing crashes.
  fs::remove(dir.path() / "results.json");
  write_file_atomically(dir.path() / kCellJournalFile, "{\"cell\": " + deep + "}\n");
  EXPECT_TRUE(read_run_result(dir.path()).cells.empty());
}

TEST(ResultsJsonReadBack, NamesThatWouldBeDirectoriesMustBeNames) {
  for (const char* kernel : {"../../victim", "a/b", ".."}) {
    ScratchDir dir;
    write_file_atomically(dir.path() / "results.json", crafted_results(R"("log": "")", kernel));
    try {
      read_run_result(dir.path());
      ADD_FAILURE() << "no error for " << kernel;
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("kernel name"));
      EXPECT_THAT(e.what(), HasSubstr("fix:"));
    }
  }
  ScratchDir dir;
  write_file_atomically(dir.path() / "results.json", R"({"run_id": "../../x", "cells": []})");
  EXPECT_THROW(read_run_result(dir.path()), std::runtime_error);
}

TEST(ResultsJsonReadBack, AFieldOfAnotherTypeIsAnErrorNamingTheFile) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "results.json", crafted_results(R"("duration_s": "slow")"));
  try {
    read_run_result(dir.path());
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {  // not nlohmann's exception, which main would not name
    EXPECT_THAT(e.what(), HasSubstr("results.json"));
    EXPECT_THAT(e.what(), HasSubstr("fix:"));
  }
}

TEST(ResultsJsonReadBack, ResultsJsonThroughASymlinkIsNotRead) {
  ScratchDir dir;
  fs::create_directories(dir.path() / "run");
  write_file_atomically(dir.path() / "elsewhere.json", crafted_results(R"("log": "")"));
  fs::create_symlink(dir.path() / "elsewhere.json", dir.path() / "run/results.json");
  EXPECT_THROW(read_run_result(dir.path() / "run"), std::runtime_error);
}

TEST(MatrixReport, MarksOnlyUnexpectedVerdicts) {
  const std::string out = render_matrix(sample_run());
  EXPECT_THAT(out, HasSubstr("PANIC!"));
  EXPECT_THAT(out, Not(HasSubstr("PASS!")));
  EXPECT_THAT(out, Not(HasSubstr("OOM!")));
}

TEST(MatrixReport, OneRowPerCellWithBootTime) {
  const std::string out = render_matrix(sample_run());
  EXPECT_THAT(out, HasSubstr("debian-6.1  host  1cpu  512M  2s      PASS       PANIC!"));
  EXPECT_THAT(out, HasSubstr("debian-6.1  host  2cpu  160M  -       PASS       OOM"));
}

TEST(MatrixReport, HeaderNamesEveryTest) {
  const std::string out = render_matrix(sample_run());
  EXPECT_EQ(out.substr(0, out.find('\n')), "cell                          boot    kmod:0001  kmod:0002");
}

TEST(MatrixReport, SummaryCountsVerdictsAndUnexpected) {
  const std::string out = render_matrix(sample_run());
  EXPECT_TRUE(out.ends_with("\n2 PASS, 1 OOM, 1 PANIC; 1 unexpected (marked !)\n")) << out;
}

TEST(MatrixReport, SummaryWithoutSurprises) {
  RunResult run = sample_run();
  run.cells[0].tests[1].as_expected = true;
  EXPECT_TRUE(render_matrix(run).ends_with("; 0 unexpected\n"));
}

TEST(MatrixReport, TestMissingFromACellShowsADash) {
  RunResult run = sample_run();
  run.cells[1].tests.pop_back();
  EXPECT_THAT(render_matrix(run), HasSubstr("2cpu  160M  -       PASS       -\n"));
}

// Issue 29: no row ends in spaces; test ids a crafted run holds are shown
// escaped.
TEST(MatrixReport, NoLineEndsInSpacesAndTestIdsAreEscaped) {
  RunResult run = sample_run();
  run.cells[0].tests[0].test = "kmod:0001\x1b[2J";
  const std::string out = render_matrix(run);
  EXPECT_EQ(out.find(" \n"), std::string::npos) << out;
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_THAT(out, HasSubstr("kmod:0001\\x1b[2J"));
}

// Issue 27: a test's [[known_issue]] goes into results.json and back, bounded.
TEST(ResultsJson, AKnownIssueReadsBackAsWritten) {
  ScratchDir dir;
  RunResult run = sample_run();
  run.cells[0].tests[0].known_issue = KnownIssue{run.cells[0].tests[0].test, {}, {}, false, "KMX-7", "filed"};
  write_results_json(run, dir.path());
  const RunResult back = read_run_result(dir.path());
  ASSERT_TRUE(back.cells[0].tests[0].known_issue);
  EXPECT_EQ(back.cells[0].tests[0].known_issue->link, "KMX-7");
  EXPECT_EQ(back.cells[0].tests[0].known_issue->title, "filed");
  EXPECT_FALSE(back.cells[0].tests[0].known_issue->intermittent);
  EXPECT_FALSE(back.cells[0].tests[1].known_issue);
  nlohmann::json doc = to_json(run);
  doc["cells"][0]["tests"][0]["known_issue"] = {{"link", std::string(100000, 'x')}, {"intermittent", "maybe"}};
  doc["cells"][0]["tests"][1]["known_issue"] = {{"link", 5}};
  write_file_atomically(dir.path() / "results.json", doc.dump());
  const RunResult hostile = read_run_result(dir.path());
  ASSERT_TRUE(hostile.cells[0].tests[0].known_issue);
  EXPECT_LE(hostile.cells[0].tests[0].known_issue->link.size(), 503u);
  EXPECT_FALSE(hostile.cells[0].tests[1].known_issue);
}

}  // namespace
}  // namespace kmx
