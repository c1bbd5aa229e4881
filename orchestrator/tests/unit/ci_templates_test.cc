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
print("github ok", crons[0])
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
print("gitlab ok", ",".join(sorted(jobs)))
)py";

TEST(IntegrationCiTemplates, GithubNightlyWorkflowParsesWithScheduleAndSteps) {
  const ProcessResult r = run_debian_python(kCheckGithub, {(kSourceDir / "ci/github-nightly.yml").string()});
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_THAT(r.output, HasSubstr("github ok"));
}

TEST(IntegrationCiTemplates, GitlabPipelineParsesWithStagesScriptsAndJunitReport) {
  const ProcessResult r = run_debian_python(kCheckGitlab, {(kSourceDir / "ci/gitlab-ci.yml").string()});
  EXPECT_TRUE(r.ok()) << r.output;
  EXPECT_THAT(r.output, HasSubstr("gitlab ok build,nightly,unit-and-integration"));
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

}  // namespace
}  // namespace kmx
