// ci/: the nightly templates parse as YAML (Debian's python3-yaml) and have
// what GitHub and GitLab require of them; ci/nightly.sh is valid bash and
// does what the templates promise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fakes.h"
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
    if "kmod-matrix" not in job["runs-on"]:
        continue  # the Pages deployment runs on GitHub's own runners
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
assert "ci/nightly.sh" in merge_runs and "--merge results/shards/*/2*/" in merge_runs, merge_runs
saves = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/cache/save@")]
assert saves and "results/history.db" in saves[0]["with"]["path"] and "results/site" in saves[0]["with"]["path"], saves
assert saves[0].get("if") == "always()", saves
assert not any(s.get("uses", "").startswith("actions/cache/save@") for s in shard["steps"]), "a shard saves history"
# Issue 29: a root-run step leaves root-owned files; each job ends by giving
# the workspace back, always, after every sudo step, so tomorrow's checkout
# as the runner's user can clean it.
for name, job in jobs.items():
    runs = [s.get("run", "") for s in job["steps"]]
    sudo_at = [i for i, r in enumerate(runs) if r.lstrip().startswith("sudo") and "chown" not in r]
    chown_at = [i for i, r in enumerate(runs) if "chown -R" in r and "$GITHUB_WORKSPACE" in r]
    if sudo_at:
        assert chown_at and chown_at[-1] > max(sudo_at), (name, "no chown after the sudo steps")
        assert job["steps"][chown_at[-1]].get("if") == "always()", name
# The night publishes JUnit, KTAP, KCIDB (ci/nightly.sh writes them into
# results/reports/), the run with its logs, and the site to Pages.
uploads = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
published = "\n".join(u["with"]["path"] for u in uploads)
assert "results/reports/" in published and "results/2*/" in published, published
pages = [s for s in merge["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
assert pages and pages[0]["with"]["path"] == "results/site", pages
assert any("actions/deploy-pages@" in s.get("uses", "") for j in jobs.values() for s in j["steps"]), "no deploy"
print("github ok", crons[0], "shards", len(indexes), "merge", merges[0])
)py";

constexpr const char* kCheckGitlab = R"py(
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
# Issue 29: made to be include:d into an existing pipeline, so nothing at
# the top level that would clash with the including file's own.
for key in ("stages", "variables", "default", "image", "workflow", "cache"):
    assert key not in doc, "top-level " + key
stages = ["build", "test", "deploy"]  # GitLab's defaults, which every pipeline has unless it says otherwise
def resolved(name):
    job = dict(doc[name])
    parents = job.get("extends", [])
    for parent in [parents] if isinstance(parents, str) else parents:
        base = resolved(parent)
        base.update(job)
        job = base
    return job
jobs = {k: resolved(k) for k, v in doc.items() if isinstance(v, dict) and not k.startswith(".")}
assert jobs, "no jobs"
junit = []
for name, job in jobs.items():
    assert "script" in job, name
    assert job["stage"] in stages, name
    assert "kmod-matrix" in job.get("tags", []), name
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
def needs_of(job):
    return [n["job"] if isinstance(n, dict) else n for n in job.get("needs", [])]
merges = [n for n, j in jobs.items() if shards[0] in needs_of(j)]
assert len(merges) == 1, merges
merge = jobs[merges[0]]
assert stages.index(merge["stage"]) > stages.index(shard["stage"]), (merge["stage"], shard["stage"])
assert "kmod-matrix-build" in needs_of(merge), merge["needs"]
assert any("--merge results/shards/*/2*/" in l and "ci/nightly.sh" in l for l in merge["script"]), merge["script"]
assert merge["artifacts"]["reports"]["junit"] == "results/reports/junit.xml"
assert all(r.get("when") == "always" for r in merge["rules"]), merge["rules"]
# The merge keeps the reports, the run with every log its HTML links, and
# the site; the cache carries history.db and the site to the next night.
assert {"results/reports/", "results/2*/", "results/site/"} <= set(merge["artifacts"]["paths"]), merge["artifacts"]
assert {"results/history.db", "results/site/"} <= set(merge["cache"]["paths"]), merge["cache"]
assert merge["cache"].get("when") == "always", merge["cache"]
assert "pages" in jobs and "public" in jobs["pages"]["artifacts"]["paths"], jobs.get("pages")
assert merges[0] in needs_of(jobs["pages"]), jobs["pages"]
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
  EXPECT_THAT(
      r.output,
      HasSubstr("gitlab ok kmod-matrix-build,kmod-matrix-merge,kmod-matrix-shard,kmod-matrix-unit-tests,pages"));
}

TEST(IntegrationCiTemplates, NightlyScriptIsValidBash) {
  BoostProcessRunner runner;
  const ProcessResult r = runner.run({"bash", "-n", (kSourceDir / "ci/nightly.sh").string()});
  EXPECT_TRUE(r.ok()) << r.output;
}

TEST(CiTemplates, NightlyScriptReportsRetriesInfrastructureAndCompares) {
  const std::string script = read_file(kSourceDir / "ci/nightly.sh");
  for (const char* format : {"junit", "ktap", "kcidb", "html"})
    EXPECT_THAT(script, HasSubstr(std::string("--report \"") + format + ":"));
  EXPECT_THAT(script, HasSubstr("\"$kmx\" site --results \"$results\" -o \"$results/site\""));
  EXPECT_THAT(script, HasSubstr("[[ $run_status == 3 ]] || break"));
  EXPECT_THAT(script, HasSubstr("compare --previous \"$run_id\""));
}

TEST(CiTemplates, NightlyScriptRunsAShardAndMergesShardsWithTheReports) {
  const std::string script = read_file(kSourceDir / "ci/nightly.sh");
  EXPECT_THAT(script, HasSubstr("run_with_retries \"$matrix\" --shard \"$shard\""));
  EXPECT_THAT(script, HasSubstr("mv \"$results/$run_id\" \"$results/shards/${shard%/*}/\""));
  EXPECT_THAT(script, HasSubstr("\"$kmx\" merge \"$@\" --results \"$results\" \"${report_args[@]}\""));
}

// ci/nightly.sh --notify CMD: CMD gets the compare JSON on stdin when the
// night regresses (compare exits 1), and only then. kmod-matrix is a stand-in
// (KMX_BIN) that makes a run directory and answers compare with exit 1.
TEST(IntegrationCiTemplates, NightlyNotifyGetsTheCompareJsonOnlyOnRegressions) {
  ScratchDir dir;
  const auto fake = dir.path() / "kmod-matrix";
  write_file_atomically(
      fake,
      "#!/bin/sh\n"
      "case $1 in\n"
      "  run) mkdir -p \"$KMX_RESULTS/20261206-011700-1\"; exit 0 ;;\n"
      "  compare) case \"$*\" in *--json*) echo '{\"regressions\": [1]}' ;; *) echo regressed ;; esac;"
      " exit \"$FAKE_COMPARE_STATUS\" ;;\n"
      "  *) exit 0 ;;\n"
      "esac\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  BoostProcessRunner runner;
  const auto night = [&](const std::string& compare_status) {
    const auto marker = dir.path() / ("notified-" + compare_status);
    return std::pair{
        runner.run({"env", "KMX_BIN=" + fake.string(), "KMX_RESULTS=" + (dir.path() / "results").string(),
                    "FAKE_COMPARE_STATUS=" + compare_status, "bash", (kSourceDir / "ci/nightly.sh").string(),
                    "--notify", "cat >" + marker.string(), "matrices/smoke.toml"}),
        marker};
  };
  const auto [regressed, notified] = night("1");
  EXPECT_EQ(regressed.exit_code, 1) << regressed.output;
  ASSERT_TRUE(std::filesystem::exists(notified)) << regressed.output;
  EXPECT_EQ(read_file(notified), "{\"regressions\": [1]}\n");
  const auto [quiet, not_notified] = night("0");
  EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_FALSE(std::filesystem::exists(not_notified));
}

}  // namespace
}  // namespace kmx
