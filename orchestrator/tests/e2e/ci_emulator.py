#!/usr/bin/env python3
"""Runs a shipped CI template's jobs as the CI system would, for one night.

  ci_emulator.py github|gitlab TEMPLATE --source DIR --build DIR --state DIR
                 --night NAME [--set KEY=VALUE]...

Each job runs in a fresh workspace holding only the checkout (the source's
tracked files) and what the template itself brings in: GitHub's
actions/cache and actions/download-artifact, GitLab's cache and the
artifacts of the jobs it needs. The caches live in STATE/cache and outlive
the night; artifacts live in STATE/NIGHT/artifacts and do not. A second
night with the same STATE therefore sees exactly what a real CI system
would carry from one night to the next, and nothing else.

The steps that prepare the host, build, or run the unit tests are not run:
the test command that runs this has done them, and build/ in each
workspace is a symlink to --build. Every other step runs as written, with
`sudo` a pass-through (we are root). --set overrides a workflow input or
template variable (e.g. the matrix). Prints a JSON summary: per job its
workspace, status and each step's exit status.
"""

import argparse
import fnmatch
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

# Commands the test command has already run for this checkout.
SKIPPED = [
    (re.compile(r"\bci/setup-host\.sh\b"), "the host is set up"),
    (re.compile(r"\bci/build\.sh\b"), "build/ is the test command's build"),
    (re.compile(r"^\s*ctest\b"), "the unit and integration tests ran"),
]


def skipped(command):
    for pattern, why in SKIPPED:
        if pattern.search(command):
            return why
    return None


def tracked_files(source):
    out = subprocess.run(["git", "-C", source, "ls-files", "-co", "--exclude-standard", "-z"],
                         check=True, capture_output=True).stdout
    return [f for f in out.decode().split("\0") if f]


def checkout(source, build, workspace):
    os.makedirs(workspace)
    for rel in tracked_files(source):
        src = os.path.join(source, rel)
        if not os.path.isfile(src):
            continue
        dst = os.path.join(workspace, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    os.symlink(build, os.path.join(workspace, "build"))


def copy_into(paths, base, dest):
    """Copies each existing path (globs allowed, relative to base) to dest,
    keeping its path relative to base."""
    copied = []
    for pattern in paths:
        for match in sorted(glob.glob(os.path.join(base, pattern), recursive=True)):
            rel = os.path.relpath(match, base)
            if rel.startswith("..") or os.path.islink(match.rstrip("/")):
                continue  # outside, or build/: the shared build is not an artifact
            target = os.path.join(dest, rel)
            if os.path.isdir(match) and not os.path.islink(match):
                shutil.copytree(match, target, symlinks=True, dirs_exist_ok=True)
            elif os.path.isfile(match):
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy2(match, target)
            copied.append(rel)
    return copied


def sudo_shim(state):
    """A `sudo` on PATH that drops its options and runs the command."""
    shim_dir = os.path.join(state, "bin")
    os.makedirs(shim_dir, exist_ok=True)
    path = os.path.join(shim_dir, "sudo")
    with open(path, "w") as f:
        f.write("#!/bin/sh\nwhile [ $# -gt 0 ]; do case $1 in -*) shift ;; *) break ;; esac; done\n"
                "exec \"$@\"\n")
    os.chmod(path, 0o755)
    return shim_dir


def run_script(script, cwd, env, log):
    with open(log, "a") as out:
        out.write("$ " + script.replace("\n", "\n  ") + "\n")
        out.flush()
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT).returncode


# --- GitHub Actions -------------------------------------------------------

class GithubContext:
    def __init__(self, values):
        self.values = values

    def lookup(self, name):
        return self.values.get(name, "")

    def evaluate(self, text):
        """The expressions our workflow uses: names, 'literals', ||, ==,
        !, always(), cancelled(), success(), failure()."""
        text = text.strip()
        if text.startswith("${{") and text.endswith("}}"):
            text = text[3:-2].strip()
        for alternative in text.split("||"):
            value = self.evaluate_term(alternative.strip())
            if value not in ("", False, None, "false", 0):
                return value
        return value

    def evaluate_term(self, term):
        if "==" in term:
            left, right = term.split("==", 1)
            return str(self.evaluate_term(left.strip())) == str(self.evaluate_term(right.strip()))
        if term.startswith("!"):
            return not self.evaluate_term(term[1:].strip())
        if term in ("always()", "success()"):
            return True if term == "always()" else not self.values.get("failed", False)
        if term == "failure()":
            return self.values.get("failed", False)
        if term == "cancelled()":
            return False
        if term.startswith("'") and term.endswith("'"):
            return term[1:-1]
        if re.fullmatch(r"-?\d+", term):
            return int(term)
        return self.lookup(term)

    def substitute(self, text):
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(self.evaluate(m.group(1))), str(text))


def github_jobs_in_order(jobs):
    order, done = [], set()
    while len(order) < len(jobs):
        progressed = False
        for name, job in jobs.items():
            needs = job.get("needs", [])
            needs = [needs] if isinstance(needs, str) else needs
            if name not in done and all(n in done for n in needs):
                order.append(name)
                done.add(name)
                progressed = True
        if not progressed:
            raise SystemExit("ci_emulator: a cycle in the jobs' needs")
    return order


def run_github(args, template):
    state, night = args.state, os.path.join(args.state, args.night)
    cache_store = os.path.join(state, "cache")
    artifacts = os.path.join(night, "artifacts")
    shim = sudo_shim(state)
    inputs = dict(kv.split("=", 1) for kv in args.set)
    run_id = args.night
    summary = {}
    for name in github_jobs_in_order(template["jobs"]):
        job = template["jobs"][name]
        values_list = [{}]
        matrix = job.get("strategy", {}).get("matrix")
        if matrix:
            (key, values), = matrix.items()
            values_list = [{key: v} for v in values]
        for index, matrix_values in enumerate(values_list):
            label = name + ("-" + "-".join(str(v) for v in matrix_values.values()) if matrix_values else "")
            workspace = os.path.join(night, label, "ws")
            context = {"github.workspace": workspace, "github.run_id": run_id,
                       "strategy.job-total": len(values_list)}
            context.update({"matrix." + k: v for k, v in matrix_values.items()})
            context.update({"inputs." + k: v for k, v in inputs.items()})
            expr = GithubContext(context)
            env = dict(os.environ)
            env["PATH"] = shim + ":" + env["PATH"]
            for scope in (template.get("env", {}), job.get("env", {})):
                env.update({k: str(expr.substitute(v)) for k, v in scope.items()})
            env["GITHUB_WORKSPACE"] = workspace
            env["GITHUB_STEP_SUMMARY"] = os.path.join(night, label, "step-summary.md")
            log = os.path.join(night, label, "log")
            os.makedirs(os.path.dirname(log), exist_ok=True)
            steps, failed = [], False
            for step in job["steps"]:
                expr.values["failed"] = failed
                condition = step.get("if", "success()")
                if not expr.evaluate(str(condition)):
                    steps.append({"name": step.get("name", step.get("uses")), "status": "skipped"})
                    continue
                status = github_step(step, expr, env, workspace, cache_store, artifacts, args, log)
                steps.append({"name": step.get("name", step.get("uses")), "status": status})
                if isinstance(status, int) and status != 0:
                    failed = True
            summary[label] = {"workspace": workspace, "failed": failed, "steps": steps, "log": log}
    return summary


def github_step(step, expr, env, workspace, cache_store, artifacts, args, log):
    uses = step.get("uses", "")
    with_ = {k: expr.substitute(v) for k, v in step.get("with", {}).items()}
    if uses.startswith("actions/checkout@"):
        checkout(args.source, args.build, workspace)
        return 0
    if uses.startswith("actions/cache/restore@"):
        keys = [with_["key"]] + [k for k in str(with_.get("restore-keys", "")).split("\n") if k.strip()]
        for key in keys:
            hits = sorted(d for d in os.listdir(cache_store) if d.startswith(key.strip())) \
                if os.path.isdir(cache_store) else []
            if hits:
                copy_into(["**"], os.path.join(cache_store, hits[-1]), workspace)
                return 0
        return 0  # a miss is no failure
    if uses.startswith("actions/cache/save@"):
        target = os.path.join(cache_store, with_["key"])
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        copy_into([p for p in with_["path"].split("\n") if p.strip()], workspace, target)
        return 0
    if uses.startswith("actions/deploy-pages@"):
        return 0 if os.path.isfile(os.path.join(artifacts, "github-pages", "index.html")) else "no site to deploy"
    if uses.startswith("actions/upload-artifact@") or uses.startswith("actions/upload-pages-artifact@"):
        name = with_.get("name", "github-pages")
        target = os.path.join(artifacts, name)
        paths = [p.strip() for p in with_["path"].split("\n") if p.strip()]
        # upload-artifact strips the paths' least common ancestor.
        base = os.path.commonpath([os.path.join(workspace, p.split("*")[0]) for p in paths])
        if not os.path.isdir(base):
            base = os.path.dirname(base)
        for p in paths:
            for match in glob.glob(os.path.join(workspace, p), recursive=True):
                rel = os.path.relpath(match, base)
                dst = os.path.join(target, rel)
                if os.path.isdir(match):
                    shutil.copytree(match, dst, symlinks=True, dirs_exist_ok=True)
                else:
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    shutil.copy2(match, dst)
        return 0
    if uses.startswith("actions/download-artifact@"):
        dest = os.path.join(workspace, with_.get("path", "."))
        for name in sorted(os.listdir(artifacts)) if os.path.isdir(artifacts) else []:
            if fnmatch.fnmatch(name, with_.get("pattern", "*")):
                shutil.copytree(os.path.join(artifacts, name), os.path.join(dest, name), symlinks=True,
                                dirs_exist_ok=True)
        return 0
    if uses:
        return "unsupported: " + uses
    script = expr.substitute(step["run"])
    why = skipped(script)
    if why:
        with open(log, "a") as out:
            out.write("# not run (" + why + "): " + script + "\n")
        return "not run: " + why
    step_env = dict(env)
    step_env.update({k: str(expr.substitute(v)) for k, v in step.get("env", {}).items()})
    return run_script(script, workspace, step_env, log)


# --- GitLab CI ------------------------------------------------------------

GITLAB_KEYWORDS = {"stages", "variables", "default", "include", "workflow", "image", "services", "cache",
                   "before_script", "after_script"}


def merged(base, extra):
    out = dict(base)
    for k, v in extra.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def gitlab_jobs(template):
    jobs = {}
    for name, body in template.items():
        if name in GITLAB_KEYWORDS or name.startswith(".") or not isinstance(body, dict):
            continue
        job = body
        extends = body.get("extends", [])
        for parent in [extends] if isinstance(extends, str) else extends:
            job = merged(template[parent], job)
        jobs[name] = job
    return jobs


def expand(text, variables):
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: variables.get(m.group(1), m.group(0)), str(text))


def rules_allow(job, variables):
    rules = job.get("rules")
    if rules is None:
        return True
    for rule in rules:
        condition = rule.get("if")
        if condition is None or eval_gitlab_condition(condition, variables):
            return rule.get("when", "on_success") != "never"
    return False


def eval_gitlab_condition(condition, variables):
    m = re.fullmatch(r'\s*\$(\w+)\s*==\s*"([^"]*)"\s*', condition)
    if not m:
        raise SystemExit("ci_emulator: rule not understood: " + condition)
    return variables.get(m.group(1), "") == m.group(2)


def run_gitlab(args, template):
    state, night = args.state, os.path.join(args.state, args.night)
    cache_store = os.path.join(state, "cache")
    artifacts = os.path.join(night, "artifacts")
    shim = sudo_shim(state)
    overrides = dict(kv.split("=", 1) for kv in args.set)
    stages = template.get("stages", ["build", "test", "deploy"])
    jobs = gitlab_jobs(template)
    order = sorted(jobs, key=lambda n: stages.index(jobs[n].get("stage", "test")))
    summary = {}
    for name in order:
        job = jobs[name]
        variables = {"CI_PIPELINE_SOURCE": "schedule"}
        variables.update({k: str(v) for k, v in template.get("variables", {}).items()})
        variables.update({k: str(v) for k, v in job.get("variables", {}).items()})
        variables.update(overrides)
        if not rules_allow(job, variables):
            summary[name] = {"status": "not in this pipeline"}
            continue
        parallel = int(job.get("parallel", 1))
        for index in range(1, parallel + 1):
            label = name + ("-" + str(index) if parallel > 1 else "")
            workspace = os.path.join(night, label, "ws")
            job_vars = dict(variables)
            job_vars.update({"CI_PROJECT_DIR": workspace})
            if parallel > 1:
                job_vars.update({"CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(parallel)})
            job_vars = {k: expand(v, job_vars) for k, v in job_vars.items()}
            checkout(args.source, args.build, workspace)
            needs = job.get("needs")
            if needs is not None:
                needs = [n["job"] if isinstance(n, dict) else n for n in needs]
            for needed in sorted(os.listdir(artifacts)) if os.path.isdir(artifacts) else []:
                job_name = re.sub(r"-\d+$", "", needed)
                if needs is None or job_name in needs:
                    copy_into(["**"], os.path.join(artifacts, needed), workspace)
            cache = job.get("cache")
            cache_dir = os.path.join(cache_store, expand(cache["key"], job_vars)) if cache else None
            if cache and cache.get("policy", "pull-push") in ("pull", "pull-push") and os.path.isdir(cache_dir):
                copy_into(["**"], cache_dir, workspace)
            env = dict(os.environ)
            env["PATH"] = shim + ":" + env["PATH"]
            env.update(job_vars)
            log = os.path.join(night, label, "log")
            steps, failed = [], False
            for command in job.get("script", []):
                why = skipped(command)
                if why:
                    steps.append({"command": command, "status": "not run: " + why})
                    continue
                status = run_script(command, workspace, env, log)
                steps.append({"command": command, "status": status})
                if status != 0:
                    failed = True
                    break
            if cache and cache.get("policy", "pull-push") in ("push", "pull-push") and \
                    (not failed or cache.get("when") == "always"):
                shutil.rmtree(cache_dir, ignore_errors=True)
                os.makedirs(cache_dir)
                copy_into(cache["paths"], workspace, cache_dir)
            saved = []
            spec = job.get("artifacts", {})
            if spec and (not failed or spec.get("when") == "always"):
                saved = copy_into([expand(p, job_vars) for p in spec.get("paths", [])], workspace,
                                  os.path.join(artifacts, label))
            junit = spec.get("reports", {}).get("junit") if spec else None
            missing_report = junit and not glob.glob(os.path.join(workspace, expand(junit, job_vars)))
            summary[label] = {"workspace": workspace, "failed": failed, "steps": steps, "log": log,
                              "artifacts": saved, "junit_report_missing": bool(missing_report)}
    return summary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("system", choices=["github", "gitlab"])
    parser.add_argument("template")
    parser.add_argument("--source", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--night", required=True)
    parser.add_argument("--set", action="append", default=[])
    args = parser.parse_args()
    args.source, args.build, args.state = map(os.path.abspath, (args.source, args.build, args.state))
    with open(args.template) as f:
        template = yaml.safe_load(f)
    summary = (run_github if args.system == "github" else run_gitlab)(args, template)
    json.dump(summary, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
