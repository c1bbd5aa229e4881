// boundary/boundary_report: boundary.json and the summary line for each
// way a search ends; as an Integration test, the file validates against
// docs/boundary.schema.json (Debian's python3-jsonschema).
#include "boundary/boundary_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_probe_runner.h"
#include "fakes.h"
#include "os/files.h"
#include "report_test_support.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using nlohmann::json;
using ::testing::HasSubstr;

const std::filesystem::path kSchema = kSourceDir / "docs/boundary.schema.json";

BoundaryReport searched(FakeProbeRunner& runner, BoundaryPlan plan) {
  BoundaryReport report;
  report.boundary_id = "boundary-20261122-233800-4821";
  report.tool_version = "0.1.0";
  report.created_at = "2026-11-22T23:38:00Z";
  report.matrix_name = "oom-edge";
  report.matrix_file = "matrix.toml";
  report.matrix_sha256 = std::string(64, 'a');
  report.kernel = "debian-6.12";
  report.kmod = "host";
  report.test = "kmod:0006";
  report.bad_given = !plan.bad.empty();
  report.plan = std::move(plan);
  report.result = search_boundary(report.plan, runner);
  return report;
}

BoundaryReport found_at_192() {
  FakeProbeRunner runner(192);
  return searched(runner, {BoundaryAxis::kMemory, {64, 512, 64}, {}, 3});
}

TEST(BoundaryReport, JsonHoldsThePlanTheResultAndEveryProbe) {
  const json doc = to_json(found_at_192());
  EXPECT_EQ(doc["format"], kBoundaryFormatVersion);
  EXPECT_EQ(doc["matrix"]["sha256"], std::string(64, 'a'));
  EXPECT_EQ(doc["axis"], "memory_mib");
  EXPECT_EQ(doc["low"], 64);
  EXPECT_EQ(doc["high"], 512);
  EXPECT_EQ(doc["step"], 64);
  EXPECT_EQ(doc["bad_verdicts"], json::array({"OOM"}));
  EXPECT_EQ(doc["bad_given"], false);
  EXPECT_EQ(doc["status"], "found");
  EXPECT_EQ(doc["result"]["found"], true);
  EXPECT_EQ(doc["result"]["last_bad"], 128);
  EXPECT_EQ(doc["result"]["first_good"], 192);
  EXPECT_EQ(doc["result"]["flaky"], false);
  EXPECT_EQ(doc["result"]["stable_runs"]["last_bad"], 3);
  EXPECT_EQ(doc["result"]["stable_runs"]["first_good"], 3);
  const json& first = doc["probes"][0];
  EXPECT_EQ(first["value"], 64);
  EXPECT_EQ(first["repeat"], 1);
  EXPECT_EQ(first["verdict"], "OOM");
  EXPECT_EQ(first["evidence"], "scripted OOM");
  EXPECT_EQ(first["duration_s"], 2.5);
  EXPECT_EQ(first["run_dir"], "probes/memory_mib-64-1");
  EXPECT_EQ(doc["result"]["values"][0], json({{"value", 64}, {"bad", 1}, {"good", 0}, {"verdicts", {"OOM"}}}));
}

TEST(BoundaryReport, SummaryOfAStableEdge) {
  EXPECT_EQ(render_boundary_summary(found_at_192()),
            "kmod:0006 on debian-6.12/host: OOM below 192 MiB, PASS from 192 MiB (3/3 each edge)");
}

TEST(BoundaryReport, SummaryOfNoBoundary) {
  FakeProbeRunner runner(10000);
  const BoundaryReport r = searched(runner, {BoundaryAxis::kMemory, {64, 512, 64}, {}, 3});
  EXPECT_EQ(render_boundary_summary(r),
            "kmod:0006 on debian-6.12/host: OOM at 512 MiB too: no boundary in 64..512 MiB");
  EXPECT_TRUE(to_json(r)["result"]["first_good"].is_null());
}

TEST(BoundaryReport, SummaryOfAGoodLowEnd) {
  FakeProbeRunner runner(0);
  const BoundaryReport r = searched(runner, {BoundaryAxis::kVcpus, {1, 8, 1}, {Verdict::kFail}, 2});
  EXPECT_EQ(render_boundary_summary(r), "kmod:0006 on debian-6.12/host: PASS from 1 vCPUs, the lowest probed (2/2)");
  EXPECT_EQ(to_json(r)["bad_given"], true);
}

TEST(BoundaryReport, SummaryOfAFlakyEdgeGivesTheCounts) {
  FakeProbeRunner runner(192);
  runner.answer(192, 2, Verdict::kOom);
  const BoundaryReport r = searched(runner, {BoundaryAxis::kMemory, {64, 512, 64}, {}, 3});
  EXPECT_EQ(render_boundary_summary(r),
            "kmod:0006 on debian-6.12/host: flaky edge: OOM every run up to 128 MiB, PASS every run from 256 MiB; "
            "mixed at 192 MiB (1/3 bad)");
  EXPECT_EQ(to_json(r)["result"]["flaky"], true);
}

TEST(BoundaryReport, SummaryOfAnInfrastructureFailure) {
  FakeProbeRunner runner(192);
  runner.answer(512, 1, Verdict::kError);
  runner.answer(512, 2, Verdict::kError);
  const BoundaryReport r = searched(runner, {BoundaryAxis::kMemory, {64, 512, 64}, {}, 3});
  EXPECT_THAT(render_boundary_summary(r), HasSubstr("no answer: the harness failed twice in a row at 512 MiB"));
  EXPECT_EQ(to_json(r)["status"], "error");
}

TEST(BoundaryReport, EveryWrittenFieldIsInTheSchemaAndTheProse) {
  const json schema = json::parse(read_file(kSchema));
  const json doc = to_json(found_at_192());
  EXPECT_EQ(schema["properties"]["format"]["const"], kBoundaryFormatVersion);
  const std::string prose = read_file(kSourceDir / "docs/boundary-format.md");
  for (const auto& [key, value] : doc.items()) {
    EXPECT_TRUE(schema["properties"].contains(key)) << key;
    EXPECT_THAT(prose, HasSubstr("`" + key + "`")) << key;
  }
  for (const auto* part : {"result", "probes"}) {
    const json& fields = doc[part].is_array() ? doc[part][0] : doc[part];
    for (const auto& [key, value] : fields.items()) EXPECT_THAT(prose, HasSubstr("`" + key + "`")) << key;
  }
}

TEST(IntegrationBoundarySchema, WrittenReportsValidate) {
  ScratchDir dir;
  FakeProbeRunner flaky(192);
  flaky.answer(192, 2, Verdict::kOom);
  FakeProbeRunner none(10000);
  write_boundary_report(found_at_192(), dir.path());
  write_file_atomically(dir.path() / "flaky.json",
                        to_json(searched(flaky, {BoundaryAxis::kMemory, {64, 512, 64}, {}, 3})).dump());
  write_file_atomically(dir.path() / "none.json",
                        to_json(searched(none, {BoundaryAxis::kVcpus, {1, 4, 1}, {Verdict::kOom}, 3})).dump());
  const ProcessResult r = run_debian_python(
      kValidateJsonSchema, {kSchema.string(), (dir.path() / "boundary.json").string(),
                            (dir.path() / "flaky.json").string(), (dir.path() / "none.json").string()});
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_THAT(r.output, HasSubstr("checked 3"));
}

TEST(IntegrationBoundarySchema, SchemaCatchesAnUnknownAxisAndAnUndocumentedField) {
  ScratchDir dir;
  json doc = to_json(found_at_192());
  doc["axis"] = "disk_gib";
  doc["probes"][0]["surprise"] = 1;
  write_file_atomically(dir.path() / "bad.json", doc.dump());
  const ProcessResult r =
      run_debian_python(kValidateJsonSchema, {kSchema.string(), (dir.path() / "bad.json").string()});
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.output, HasSubstr("'disk_gib' is not one of"));
  EXPECT_THAT(r.output, HasSubstr("'surprise' was unexpected"));
}

}  // namespace
}  // namespace kmx
