#!/usr/bin/env bash
# One night, as both CI templates run it: run the matrix with JUnit and HTML
# reports, rerun it when the only problems were infrastructure errors
# (kmod-matrix exit 3), then compare with the previous run of the same
# matrix recorded in <results>/history.db.
#
# Exit: 0 nothing regressed (persistent infrastructure errors are reported,
# not failed), 1 regressions or unexpected verdicts, 2 bad input or host.
# Assumes ci/setup-host.sh and ci/build.sh ran. Usage: ci/nightly.sh [MATRIX]
set -uo pipefail
cd "$(dirname "$0")/.."

matrix=${1:-${KMX_NIGHTLY_MATRIX:-matrices/series.toml}}
results=${KMX_RESULTS:-results}
kmx=./build/orchestrator/kmod-matrix
reports=$results/reports
mkdir -p "$reports"

run_status=3
for attempt in 1 2 3; do
  "$kmx" run "$matrix" --results "$results" \
    --report "junit:$reports/junit.xml" --report "html:$reports/report.html"
  run_status=$?
  [[ $run_status == 3 ]] || break
  echo "[nightly] attempt $attempt ended with infrastructure errors only (exit 3)" >&2
done
case $run_status in
  0 | 1 | 3) ;;
  *) echo "[nightly] kmod-matrix run failed with exit $run_status" >&2; exit "$run_status" ;;
esac

# Run ids start with the date (YYYYMMDD-HHMMSS-pid): the last is tonight's.
run_id=$(find "$results" -mindepth 1 -maxdepth 1 -type d -name '2*' -printf '%f\n' | sort | tail -n 1)
if [[ -z $run_id ]]; then echo "[nightly] no run directory under $results" >&2; exit 2; fi
echo "$run_id" >"$reports/run-id"

"$kmx" compare --previous "$run_id" --results "$results" | tee "$reports/compare.txt"
compare_status=${PIPESTATUS[0]}
"$kmx" compare --previous "$run_id" --results "$results" --json >"$reports/compare.json" || true

if [[ $compare_status == 1 || $run_status == 1 ]]; then exit 1; fi
if [[ $compare_status != 0 ]]; then exit "$compare_status"; fi
if [[ $run_status == 3 ]]; then echo "[nightly] infrastructure errors persisted after 3 attempts: see the report" >&2; fi
exit 0
