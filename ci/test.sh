#!/usr/bin/env bash
# The test command: prepares the host, builds, and runs every test (unit,
# integration and end-to-end with real VMs under libvirt). .ci/run calls this.
# It ends with the time each phase took (also when one fails), so that growth
# is seen; the budget for the whole is 30 minutes on a 2-core host.
set -euo pipefail
cd "$(dirname "$0")/.."

budget_s=1800
phases=() started=$SECONDS
print_phases() {
  local status=$? total=$((SECONDS - started))
  printf '\n[test] phase times\n'
  printf '[test]   %-12s %4dm%02ds\n' "${phases[@]}"
  printf '[test]   %-12s %4dm%02ds%s\n' total $((total / 60)) $((total % 60)) \
    "$( ((total > budget_s)) && echo "  OVER the $((budget_s / 60))-minute budget")"
  exit "$status"
}
trap print_phases EXIT

# phase NAME CMD...: runs CMD, recording its wall time under NAME.
phase() {
  local name=$1 t0=$SECONDS
  shift
  echo "[test] === $name"
  local status=0
  "$@" || status=$?
  local t=$((SECONDS - t0))
  phases+=("$name" $((t / 60)) $((t % 60)))
  return "$status"
}

phase setup bash ci/setup-host.sh
phase format bash ci/format-check.sh
phase build bash ci/build.sh
# The Debian package from the same objects (ccache), checked by lintian; the
# e2e test DebianPackage installs it and runs smoke with it. CI needs no
# -dbgsym package: compressing its 48 MB of debug info would double the phase.
phase package env DEB_BUILD_OPTIONS=noautodbgsym bash ci/package.sh
# Fuzz every parser of guest and user bytes and every reader of run files
# briefly when clang is there: a fixed total shared by all targets.
if command -v clang++-14 >/dev/null || command -v clang++ >/dev/null; then
  phase fuzz bash ci/fuzz.sh "${FUZZ_TOTAL_SECONDS:-150}"
fi
# Each tier runs even when the one before failed; the command fails at the end.
failed=()
phase unit ctest --test-dir build --output-on-failure -j "$(nproc)" -L unit || failed+=(unit)
phase integration ctest --test-dir build --output-on-failure -L integration || failed+=(integration)
# E2E tests boot VMs and must not run in parallel on a 2-core host. Tests
# labelled `slow` (an hour or more of VM time) are run by hand before an
# issue is resolved: ctest --test-dir build -L slow
phase e2e ctest --test-dir build --output-on-failure --timeout 1800 -L e2e || failed+=(e2e)
if ((${#failed[@]})); then
  echo "[test] failed: ${failed[*]}" >&2
  exit 1
fi
