// results/kcidb_report: KCIDB v5 checkouts, builds and tests; statuses and
// the verdicts kept in misc; validated as an Integration test against
// docs/kcidb-v5-subset.schema.json with Debian's python3-jsonschema.
#include "reports/kcidb_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "os/files.h"
#include "report_test_support.h"
#include "sample_runs.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using nlohmann::json;
using ::testing::HasSubstr;

RunResult sample() {
  RunResult run = sample_nightly("20261121-230000-77", "2026-11-21T23:00:00Z");
  run.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kHang, "console: INFO: task modprobe:81 blocked");
  set_detail(run.cells[1].tests[1].details, "iterations", {{"planned", 150}, {"passed", 0}, {"failed_at", 1}});
  run.cells[1].cell.tests.push_back("kmod:0010");  // planned, never decided
  return run;
}

const json* find_test(const json& doc, const std::string& id) {
  for (const auto& t : doc["tests"])
    if (t["id"] == id) return &t;
  return nullptr;
}

TEST(KcidbReport, VersionFiveWithACheckoutAndBuildPerKernel) {
  const json doc = kcidb_json(sample(), {});
  EXPECT_EQ(doc["version"], json({{"major", 5}, {"minor", 0}}));
  ASSERT_EQ(doc["checkouts"].size(), 2u);
  ASSERT_EQ(doc["builds"].size(), 2u);
  EXPECT_EQ(doc["builds"][1]["checkout_id"], doc["checkouts"][1]["id"]);
  EXPECT_EQ(doc["checkouts"][0]["id"], "kmod_matrix:20261121-230000-77:debian-6.1");
}

TEST(KcidbReport, StatusMapping) {
  EXPECT_EQ(kcidb_status(Verdict::kPass), "PASS");
  EXPECT_EQ(kcidb_status(Verdict::kSkip), "SKIP");
  EXPECT_EQ(kcidb_status(Verdict::kError), "ERROR");
  for (Verdict v : {Verdict::kFail, Verdict::kOom, Verdict::kPanic, Verdict::kTimeout, Verdict::kHang, Verdict::kFlaky})
    EXPECT_EQ(kcidb_status(v), "FAIL") << to_string(v);
}

TEST(KcidbReport, CrashKeepsItsVerdictAndTheCellShapeInMisc) {
  const json doc = kcidb_json(sample(), {});
  const json* t = find_test(doc, "kmod_matrix:20261121-230000-77:debian-6.12.kmod-30.2cpu.1024M:kmod:0009");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["status"], "FAIL");
  EXPECT_EQ((*t)["path"], "kmod.0009");
  EXPECT_EQ((*t)["misc"]["verdict"], "HANG");
  EXPECT_EQ((*t)["misc"]["evidence"], "console: INFO: task modprobe:81 blocked");
  EXPECT_EQ((*t)["environment"]["misc"]["vcpus"], 2);
  EXPECT_EQ((*t)["environment"]["misc"]["memory_mib"], 1024);
  EXPECT_EQ((*t)["environment"]["misc"]["kmod_version"], "kmod version 30");
  EXPECT_EQ((*t)["environment"]["misc"]["accel"], "tcg");
  EXPECT_EQ((*t)["build_id"], "kmod_matrix:20261121-230000-77:debian-6.12");
}

TEST(KcidbReport, PlannedTestWithoutVerdictIsMiss) {
  const json doc = kcidb_json(sample(), {});
  const json* t = find_test(doc, "kmod_matrix:20261121-230000-77:debian-6.12.kmod-30.2cpu.1024M:kmod:0010");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ((*t)["status"], "MISS");
  EXPECT_FALSE(t->contains("duration"));
}

TEST(KcidbReport, RoundsAndTheMemoryLowPointAreInTheTestsMisc) {
  const json doc = kcidb_json(sample(), {});
  const json* passed = find_test(doc, "kmod_matrix:20261121-230000-77:debian-6.1.kmod-30.1cpu.512M:kmod:0009");
  ASSERT_NE(passed, nullptr);
  EXPECT_EQ((*passed)["misc"]["iterations"], json({{"planned", 150}, {"passed", 150}}));  // no failed_at: none failed
  EXPECT_EQ((*passed)["misc"]["min_available_kib"], 401200);
  const json* hung = find_test(doc, "kmod_matrix:20261121-230000-77:debian-6.12.kmod-30.2cpu.1024M:kmod:0009");
  ASSERT_NE(hung, nullptr);
  EXPECT_EQ((*hung)["misc"]["iterations"], json({{"planned", 150}, {"passed", 0}, {"failed_at", 1}}));
  EXPECT_FALSE((*hung)["misc"].contains("min_available_kib"));
  const json* plain = find_test(doc, "kmod_matrix:20261121-230000-77:debian-6.1.kmod-30.1cpu.512M:kmod:0001");
  EXPECT_FALSE((*plain)["misc"].contains("iterations"));
}

TEST(KcidbReport, NoPropertyIsNull) {
  const std::string text = render_kcidb(sample(), {});
  EXPECT_THAT(text, ::testing::Not(HasSubstr("null")));
}

constexpr const char* kValidate = R"py(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.Draft7Validator.check_schema(schema)
errors = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
for e in errors:
    print("invalid:", list(e.absolute_path), e.message)
print("tests", len(doc.get("tests", [])))
sys.exit(1 if errors else 0)
)py";

TEST(IntegrationKcidb, OutputValidatesAgainstTheV5SubsetSchema) {
  ScratchDir dir;
  RunResult run = sample();
  run.cells[0].tests[0].evidence = "\xff invalid UTF-8 from a guest";
  const auto file = dir.path() / "kcidb.json";
  write_file_atomically(file, render_kcidb(run, {}));
  const ProcessResult r =
      run_debian_python(kValidate, {(kSourceDir / "docs/kcidb-v5-subset.schema.json").string(), file.string()});
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_THAT(r.output, HasSubstr("tests 5"));
}

TEST(IntegrationKcidb, SchemaRejectsWhatKcidbWouldReject) {
  ScratchDir dir;
  json doc = kcidb_json(sample(), {});
  doc["tests"][0]["id"] = "no-origin-prefix";
  doc["tests"][1]["status"] = "PANIC";
  const auto file = dir.path() / "kcidb.json";
  write_file_atomically(file, doc.dump());
  const ProcessResult r =
      run_debian_python(kValidate, {(kSourceDir / "docs/kcidb-v5-subset.schema.json").string(), file.string()});
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.output, HasSubstr("'no-origin-prefix' does not match"));
  EXPECT_THAT(r.output, HasSubstr("'PANIC' is not one of"));
}

}  // namespace
}  // namespace kmx

namespace kmx {
namespace {

// Found by fuzz_reports: a package name with a DEL byte went raw into kcidb.json.
TEST(KcidbReport, ControlsAndNonAsciiAreEscapedAndTheTextSurvives) {
  RunResult run = sample_nightly("n1", "2026-11-20T23:00:00Z");
  run.cells[0].kernel_package =
      "linux-image-6.1-a\x7F"
      "d64";
  run.cells[0].tests[0].evidence = "caf\xC3\xA9 \xC2\x85";
  const std::string out = render_kcidb(run, ReportContext{});
  for (const char c : out) EXPECT_TRUE(c >= 0x20 ? c < 0x7F : c == '\n') << static_cast<int>(c);
  const auto doc = nlohmann::json::parse(out);
  EXPECT_NE(out.find("linux-image-6.1-a\\u007fd64"), std::string::npos);
  EXPECT_NE(doc.dump().find("caf\xC3\xA9 \xC2\x85"), std::string::npos);
}

// Issue 27: a git kernel's checkout carries its commit; a git kmod's and a
// known issue go into misc; the output still validates.
TEST(IntegrationKcidb, GitRevisionsAndKnownIssuesValidate) {
  ScratchDir dir;
  RunResult run = sample();
  run.cells[0].cell.kernel.record = {
      {"repo", "/srv/linux.git"}, {"ref", "master"}, {"commit", std::string(40, 'a')}, {"subject", "module: a change"}};
  run.cells[0].cell.kmod.record = {{"commit", std::string(40, 'b')}, {"subject", "libkmod: x"}};
  run.cells[0].tests[0].known_issue = KnownIssue{run.cells[0].tests[0].test, {}, {}, false, "KMX-7", "filed"};
  const json doc = kcidb_json(run, {});
  EXPECT_EQ(doc["checkouts"][0]["git_commit_hash"], std::string(40, 'a'));
  EXPECT_EQ(doc["checkouts"][0]["git_repository_branch"], "master");
  EXPECT_EQ(doc["tests"][0]["environment"]["misc"]["kmod_revision"]["subject"], "libkmod: x");
  EXPECT_EQ(doc["tests"][0]["misc"]["known_issue"]["link"], "KMX-7");
  const auto file = dir.path() / "kcidb.json";
  write_file_atomically(file, render_kcidb(run, {}));
  const ProcessResult r =
      run_debian_python(kValidate, {(kSourceDir / "docs/kcidb-v5-subset.schema.json").string(), file.string()});
  EXPECT_TRUE(r.ok()) << r.output;
}

}  // namespace
}  // namespace kmx
