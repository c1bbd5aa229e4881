// docs/results.schema.json is the contract of results.json: what
// write_results_json produces validates against it (Integration, with
// Debian's python3-jsonschema), and so does a file from before the optional
// fields existed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
#include "os/files.h"
#include "report_test_support.h"
#include "sample_runs.h"
#include "store/results_json.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using nlohmann::json;
using ::testing::HasSubstr;

const std::filesystem::path kSchema = kSourceDir / "docs/results.schema.json";

RunResult realistic_run() {
  RunResult run = sample_nightly("20261121-230000-4821", "2026-11-21T23:00:00Z");
  auto& t = run.cells[0].tests[0];
  set_detail(t.details, "metrics", {{"load_ms", 12.5}, {"modules_loaded", 4}});
  set_detail(t.details, "module_stats",
             {{"present", true},
              {"before", {{"fields", {{"Mods ever loaded", 66}}}, {"duplicates", json::array()}}},
              {"after", {{"fields", {{"Mods ever loaded", 70}}}, {"duplicates", json::array()}}},
              {"delta", {{"Mods ever loaded", 4}}}});
  t.rounds = 20;  // [rounds] in the matrix
  run.cells[1].tests[1] = sample_test("kmod:0009", Verdict::kPanic, "console: Kernel panic - not syncing");
  // A bisect step's kmod: a source tree at a commit.
  run.cells[1].cell.kmod.source = "source";
  run.cells[1].cell.kmod.record = {{"path", "/var/cache/kmod-matrix/bisect/b/src"},
                                   {"commit", "0123456789abcdef0123456789abcdef01234567"}};
  run.cells[1].boots.back().garbage_lines = 2;
  run.cells[1].boots.back().garbage_samples = {"\x01\x02 noise"};
  run.cells[1].boots.back().agent_problems = {"agent: line 14 is not JSON"};
  run.cells[0].boots.at(0).truncated["console"] = {64 << 20, 1234567};  // a guest that flooded
  return run;
}

// An early format-1 file: no tool version, host facts, matrix hash, kernel
// Debian version, kmod_build or guest_modprobe_config.
const char* kOldResults = R"json({
  "format": 1, "run_id": "20261101-010000-1", "matrix": {"name": "smoke", "file": "matrices/smoke.toml"},
  "host": {"accel": "tcg", "accel_reason": "forced"}, "started_at": "2026-11-01T01:00:00Z",
  "finished_at": "2026-11-01T01:05:00Z", "unexpected": 0,
  "cells": [{"id": "debian-6.1.host.1cpu.512M",
             "kernel": {"name": "debian-6.1", "source": "debian", "package": "linux-image-6.1.0-56-amd64", "path": ""},
             "kmod": {"name": "host", "source": "host", "version": "", "path": ""},
             "vcpus": 1, "memory_mib": 512, "image": "x", "test_modules_built_against": "", "guest_uname": "6.1.0-56-amd64",
             "guest_kmod_version": "kmod version 30", "boot_s": 5.0,
             "tests": [{"id": "kmod:0001", "verdict": "PASS", "duration_s": 1.0, "evidence": "agent: exit status 0",
                        "expected": ["PASS"], "expected_reason": "", "as_expected": true, "boot": 1, "log": "",
                        "metrics": {}, "module_stats": {}}],
             "boots": [{"index": 1, "domain": "kmx-1-r-c0-b1", "boot_s": 5.0, "wall_s": 9.0, "end": "done",
                        "end_detail": "", "console_log": "c.log", "agent_log": "a.log", "agent_garbage_lines": 0,
                        "agent_garbage_samples": [], "agent_problems": []}]}]
})json";

TEST(ResultsSchema, FormatVersionMatchesTheSchema) {
  const json schema = json::parse(read_file(kSchema));
  EXPECT_EQ(schema["properties"]["format"]["const"], kResultsFormatVersion)
      << "bump both together, and say in docs/results-format.md what changed";
}

TEST(ResultsSchema, EveryWrittenTopLevelAndCellFieldIsDocumented) {
  const json schema = json::parse(read_file(kSchema));
  const json doc = to_json(realistic_run());
  for (const auto& [key, value] : doc.items()) EXPECT_TRUE(schema["properties"].contains(key)) << key;
  for (const auto& [key, value] : doc["cells"][0].items())
    EXPECT_TRUE(schema["definitions"]["cell"]["properties"].contains(key)) << key;
  const std::string prose = read_file(kSourceDir / "docs/results-format.md");
  for (const auto& test : doc["cells"][0]["tests"])
    for (const auto& [key, value] : test.items()) EXPECT_THAT(prose, HasSubstr("`" + key + "`")) << key;
  // The sample test carries iterations, memory, oom and hang: their fields too.
  const json& observed = doc["cells"][0]["tests"][1];
  ASSERT_TRUE(observed.contains("memory"));
  for (const char* key : {"iterations", "memory", "oom", "hang"})
    for (const auto& [field, value] : observed[key].items()) EXPECT_THAT(prose, HasSubstr("`" + field + "`")) << field;
  for (const auto& [field, value] : observed["memory"]["samples"][0].items())
    EXPECT_THAT(prose, HasSubstr("`" + field + "`")) << field;
  for (const auto& [key, value] : doc["cells"][0]["boots"][0].items())
    EXPECT_THAT(prose, HasSubstr("`" + key + "`")) << key;
  for (const auto& [key, value] : doc["host"].items()) EXPECT_THAT(prose, HasSubstr("`" + key + "`")) << key;
}

TEST(ResultsSchema, OldFileStillLoads) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "results.json", kOldResults);
  const auto cells = read_cell_results(dir.path());
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells.at("debian-6.1.host.1cpu.512M").tests.at(0).verdict, Verdict::kPass);
  EXPECT_EQ(cells.at("debian-6.1.host.1cpu.512M").kernel_debian_version, "");
}

TEST(IntegrationResultsSchema, WrittenAndOldResultsValidate) {
  ScratchDir dir;
  write_results_json(realistic_run(), dir.path() / "new");
  write_file_atomically(dir.path() / "old.json", kOldResults);
  const ProcessResult r = run_debian_python(
      kValidateJsonSchema,
      {kSchema.string(), (dir.path() / "new/results.json").string(), (dir.path() / "old.json").string()});
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_THAT(r.output, HasSubstr("checked 2"));
}

TEST(IntegrationResultsSchema, SchemaCatchesMistypedObservations) {
  ScratchDir dir;
  json doc = to_json(realistic_run());
  auto& t = doc["cells"][0]["tests"][1];
  t["iterations"]["failed_at"] = 0;
  t["memory"]["samples"][0]["avail"] = "812340";
  t["oom"]["rss"] = 1;
  write_file_atomically(dir.path() / "bad.json", doc.dump());
  const ProcessResult r =
      run_debian_python(kValidateJsonSchema, {kSchema.string(), (dir.path() / "bad.json").string()});
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.output, HasSubstr("failed_at"));
  EXPECT_THAT(r.output, HasSubstr("'812340' is not of type 'integer'"));
  EXPECT_THAT(r.output, HasSubstr("'rss' was unexpected"));
}

TEST(IntegrationResultsSchema, SchemaCatchesAnUnknownVerdictAndAnUndocumentedField) {
  ScratchDir dir;
  json doc = to_json(realistic_run());
  doc["cells"][0]["tests"][0]["verdict"] = "MAYBE";
  doc["cells"][0]["surprise"] = 1;
  write_file_atomically(dir.path() / "bad.json", doc.dump());
  const ProcessResult r =
      run_debian_python(kValidateJsonSchema, {kSchema.string(), (dir.path() / "bad.json").string()});
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.output, HasSubstr("'MAYBE' is not one of"));
  EXPECT_THAT(r.output, HasSubstr("'surprise' was unexpected"));
}

}  // namespace
}  // namespace kmx
