#!/usr/bin/env bash
# The main job on a fresh Debian 12: install what is missing, build, and run
# the default matrix. Extra arguments go to `kmod-matrix run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup-host.sh
bash ci/build.sh
exec ./build/orchestrator/kmod-matrix run matrices/smoke.toml "$@"
