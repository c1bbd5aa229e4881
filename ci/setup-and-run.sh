#!/usr/bin/env bash
# The main job on a fresh Debian 12: install what is missing, build what a run
# needs (the binary and the agent; ci/test.sh builds the tests), and run the
# default matrix. Extra arguments go to `kmod-matrix run` (--timings splits
# the run's own time: kernel download, image, VMs).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
bash ci/setup-host.sh --packages=run
t1=$SECONDS
bash ci/build.sh --run-only
echo "[setup-and-run] host setup $((t1 - t0)) s, build $((SECONDS - t1)) s" >&2
exec ./build/orchestrator/kmod-matrix run matrices/smoke.toml "$@"
