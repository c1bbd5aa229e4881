#!/usr/bin/env bash
# The test command: prepares the host, builds, and runs every test (unit,
# integration and end-to-end with real VMs under libvirt). .ci/run calls this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup-host.sh
bash ci/format-check.sh
bash ci/build.sh
# Fuzz every parser of guest and user bytes and every reader of run files
# briefly when clang is there: a fixed total shared by all targets.
if command -v clang++-14 >/dev/null || command -v clang++ >/dev/null; then bash ci/fuzz.sh "${FUZZ_TOTAL_SECONDS:-210}"; fi
# E2E tests boot VMs and must not run in parallel on a 2-core host. Tests
# labelled `slow` (an hour or more of VM time) are run by hand before an
# issue is resolved: ctest --test-dir build -L slow
ctest --test-dir build --output-on-failure --timeout 1800 -LE slow
