// ci/: the nightly templates parse as YAML (Debian's python3-yaml) and have
// what GitHub and GitLab require of them; ci/nightly.sh is valid bash and
// does what the templates promise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "os/files.h"
#include "report_test_support.h"

namespace kmx {
namespace {

using namespace kmx::testing;
using ::testing::HasSubstr;

// PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
constexpr const char* kCheckGithub = R"py(
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
on = doc.get("on", doc.get(True))
assert isinstance(on, dict), "no 'on' mapping"
crons = [s["cron"] for s in on["schedule"]]
assert crons and all(len(c.split()) == 5 for c in crons), crons
assert doc["jobs"], "no jobs"
for name, job in doc["jobs"].items():
    assert job["runs-on"], name
    steps = job["steps"]
    assert isinstance(steps, list) and steps, name
    for step in steps:
        assert ("run" in step) != ("uses" in step), step
    runs = "\n".join(s.get("run", "") for s in steps)
    uses = [s.get("uses", "") for s in steps]
    assert "ci/setup-host.sh" in runs and "ci/build.sh" in runs and "ci/nightly.sh" in runs, runs
    assert any(u.startswith("actions/upload-artifact@") for u in uses), uses
# Shards: one job per index of strategy.matrix.shard running --shard K/N,
# each uploading its run directory; a merge job after them all downloads
# those and runs the merge, even when a shard failed.
jobs = doc["jobs"]
shard_jobs = [n for n, j in jobs.items() if "shard" in j.get("strategy", {}).get("matrix", {})]
assert len(shard_jobs) == 1, shard_jobs
shard = jobs[shard_jobs[0]]
indexes = shard["strategy"]["matrix"]["shard"]
assert indexes == list(range(1, len(indexes) + 1)) and len(indexes) >= 2, indexes
shard_runs = "\n".join(s.get("run", "") for s in shard["steps"])
assert "ci/nightly.sh --shard ${{ matrix.shard }}/${{ strategy.job-total }}" in " ".join(shard_runs.split()), shard_runs
uploads = [s for s in shard["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
assert any("${{ matrix.shard }}" in u["with"]["name"] and "results/shards/" in u["with"]["path"] for u in uploads), uploads
merges = [n for n, j in jobs.items() if shard_jobs[0] in ([j["needs"]] if isinstance(j.get("needs"), str) else j.get("needs", []))]
assert len(merges) == 1, merges
merge = jobs[merges[0]]
assert "cancelled()" in merge.get("if", ""), merge.get("if")
downloads = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
assert downloads and downloads[0]["with"]["pattern"] == "kmod-matrix-shard-*", downloads
assert downloads[0]["with"]["path"] == "results/shards", downloads
merge_runs = "\n".join(s.get("run", "") for s in merge["steps"])
assert "ci/nightly.sh --merge results/shards/*/2*/" in merge_runs, merge_runs
assert any(s.get("uses", "").startswith("actions/cache/save@") for s in merge["steps"]), "merge saves no history"
assert not any(s.get("uses", "").startswith("actions/cache/save@") for s in shard["steps"]), "a shard saves history"
print("github ok", crons[0], "shards", len(indexes), "merge", merges[0])
)py";

constexpr const char* kCheckGitlab = R"py(
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
stages = doc["stages"]
assert isinstance(stages, list) and stages
jobs = {k: v for k, v in doc.items() if isinstance(v, dict) and "script" in v}
assert jobs, "no jobs"
junit = []
for name, job in jobs.items():
    assert job["stage"] in stages, name
    assert isinstance(job["script"], list) and all(isinstance(l, str) for l in job["script"]), name
    reports = job.get("artifacts", {}).get("reports", {})
    if "junit" in reports:
        junit.append(reports["junit"])
assert "results/reports/junit.xml" in junit, junit
scripts = "\n".join(l for j in jobs.values() for l in j["script"])
assert "ci/setup-host.sh" in scripts and "ci/nightly.sh" in scripts, scripts
# Shards: a parallel job running --shard ${CI_NODE_INDEX}/${CI_NODE_TOTAL}
# that only reads history.db, and a merge job in a later stage that needs it.
shards = [n for n, j in jobs.items() if isinstance(j.get("parallel"), int)]
assert len(shards) == 1, shards
shard = jobs[shards[0]]
assert shard["parallel"] >= 2, shard["parallel"]
assert any('ci/nightly.sh --shard "${CI_NODE_INDEX}/${CI_NODE_TOTAL}"' in l for l in shard["script"]), shard["script"]
assert "results/shards/" in shard["artifacts"]["paths"], shard["artifacts"]
assert shard["cache"]["policy"] == "pull", shard["cache"]
merges = [n for n, j in jobs.items() if shards[0] in j.get("needs", [])]
assert len(merges) == 1, merges
merge = jobs[merges[0]]
assert stages.index(merge["stage"]) > stages.index(shard["stage"]), (merge["stage"], shard["stage"])
assert "build" in merge["needs"], merge["needs"]
assert any("ci/nightly.sh --merge results/shards/*/2*/" in l for l in merge["script"]), merge["script"]
assert merge["artifacts"]["reports"]["junit"] == "results/reports/junit.xml"
assert all(r.get("when") == "always" for r in merge["rules"]), merge["rules"]
print("gitlab ok", ",".join(sorted(jobs)))
)py";

TEST(IntegrationCiTemplates, GithubNightlyWorkflowParsesWithScheduleAndSteps) {
  const ProcessResult r = run_debian_python(kCheckGithub, {(kSourceDir / "ci/github-nightly.yml").string()});
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_THAT(r.output, HasSubstr("github ok"));
  EXPECT_THAT(r.output, HasSubstr("shards 4 merge merge"));
}

TEST(IntegrationCiTemplates, GitlabPipelineParsesWithStagesScriptsAndJunitReport) {
  const ProcessResult r = run_debian_python(kCheckGitlab, {(kSourceDir / "ci/gitlab-ci.yml").string()});
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_THAT(r.output, HasSubstr("gitlab ok build,nightly-merge,nightly-shard,unit-and-integration"));
}

TEST(IntegrationCiTemplates, NightlyScriptIsValidBash) {
  BoostProcessRunner runner;
  const ProcessResult r = runner.run({"bash", "-n", (kSourceDir / "ci/nightly.sh").string()});
  EXPECT_TRUE(r.ok()) << r.output;
}

TEST(CiTemplates, NightlyScriptReportsRetriesInfrastructureAndCompares) {
  const std::string script = read_file(kSourceDir / "ci/nightly.sh");
  EXPECT_THAT(script, HasSubstr("--report \"junit:"));
  EXPECT_THAT(script, HasSubstr("--report \"html:"));
  EXPECT_THAT(script, HasSubstr("[[ $run_status == 3 ]] || break"));
  EXPECT_THAT(script, HasSubstr("compare --previous \"$run_id\""));
}

TEST(CiTemplates, NightlyScriptRunsAShardAndMergesShardsWithTheReports) {
  const std::string script = read_file(kSourceDir / "ci/nightly.sh");
  EXPECT_THAT(script, HasSubstr("run_with_retries \"$matrix\" --shard \"$shard\""));
  EXPECT_THAT(script, HasSubstr("mv \"$results/$run_id\" \"$results/shards/${shard%/*}/\""));
  EXPECT_THAT(script, HasSubstr("\"$kmx\" merge \"$@\" --results \"$results\""));
  const auto merge = script.find("\"$kmx\" merge");
  EXPECT_NE(script.find("--report \"junit:", merge), std::string::npos);
}

}  // namespace
}  // namespace kmx
