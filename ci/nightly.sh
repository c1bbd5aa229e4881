#!/usr/bin/env bash
# One night, as both CI templates run it: run the matrix with JUnit, KTAP,
# KCIDB and HTML reports, rerun it when the only problems were
# infrastructure errors (kmod-matrix exit 3), compare with the previous run
# of the same matrix recorded in <results>/history.db, and write the nightly
# site (<results>/site: the last nights of every test in every cell).
#
# What one night needs of the ones before is <results>/history.db (compare
# reads the previous night from it when its run directory is gone) and, for
# the site's links to earlier nights' reports and logs, <results>/site: a CI
# job carries those two from night to night and nothing else.
#
# Sharded, the night is N jobs and a merge:
#   ci/nightly.sh --shard K/N [MATRIX]   one shard (retried on exit 3); its run
#                                        directory is moved to <results>/shards/K/
#   ci/nightly.sh --merge RUN_DIR...     the shards' runs joined into one run
#                                        with the reports, then compared
# Every shard must see the same history.db (or none): it balances the cells.
# KMX_HOSTS=FILE runs the cells on the libvirt hosts of that hosts file
# ([[host]] entries, see README "Several libvirt hosts").
#
# --notify CMD (before the mode) runs CMD through sh with the compare JSON
# on its stdin when the night has regressions, missing or vanished tests
# (compare exit 1): mail, a chat webhook, an issue tracker.
#
# Exit: 0 nothing regressed (persistent infrastructure errors are reported,
# not failed), 1 regressions, missing or vanished work, or unexpected
# verdicts, 2 bad input or host. A shard exits 0 on verdicts: the merge
# judges them.
# Assumes ci/setup-host.sh and ci/build.sh ran (or kmod-matrix is installed:
# KMX_BIN=/usr/bin/kmod-matrix). Usage: ci/nightly.sh [--notify CMD] [MATRIX]
set -uo pipefail
cd "$(dirname "$0")/.."

notify=
if [[ ${1:-} == --notify ]]; then notify=${2:?--notify CMD}; shift 2; fi
mode=night shard=
case ${1:-} in
  --shard) mode=shard shard=${2:?--shard K/N}; shift 2 ;;
  --merge) mode=merge; shift ;;
esac
results=${KMX_RESULTS:-results}
kmx=${KMX_BIN:-./build/orchestrator/kmod-matrix}
reports=$results/reports
mkdir -p "$reports"
report_args=(--report "junit:$reports/junit.xml" --report "ktap:$reports/results.ktap"
  --report "kcidb:$reports/kcidb.json" --report "html:$reports/report.html")

# Run ids start with the date (YYYYMMDD-HHMMSS-pid): the last is tonight's.
latest_run() { find "$results" -mindepth 1 -maxdepth 1 -type d -name '2*' -printf '%f\n' | sort | tail -n 1; }

# run_with_retries ARGS...: kmod-matrix run, again while it exits 3.
run_with_retries() {
  run_status=3
  for attempt in 1 2 3; do
    "$kmx" run "$@" --results "$results" ${KMX_HOSTS:+--hosts "$KMX_HOSTS"}
    run_status=$?
    [[ $run_status == 3 ]] || break
    echo "[nightly] attempt $attempt ended with infrastructure errors only (exit 3)" >&2
  done
  case $run_status in
    0 | 1 | 3) ;;
    *) echo "[nightly] kmod-matrix run failed with exit $run_status" >&2; exit "$run_status" ;;
  esac
}

case $mode in
  night)
    matrix=${1:-${KMX_NIGHTLY_MATRIX:-matrices/series.toml}}
    run_with_retries "$matrix" "${report_args[@]}"
    ;;
  shard)
    matrix=${1:-${KMX_NIGHTLY_MATRIX:-matrices/series.toml}}
    run_with_retries "$matrix" --shard "$shard"
    run_id=$(latest_run)
    if [[ -z $run_id ]]; then echo "[nightly] no run directory under $results" >&2; exit 2; fi
    # Only the last attempt is this shard's: it alone goes to the merge.
    mkdir -p "$results/shards/${shard%/*}"
    mv "$results/$run_id" "$results/shards/${shard%/*}/"
    echo "[nightly] shard $shard: run $run_id in $results/shards/${shard%/*}/ (exit $run_status)"
    exit 0
    ;;
  merge)
    (($# > 0)) || { echo "[nightly] --merge needs the shards' run directories" >&2; exit 2; }
    "$kmx" merge "$@" --results "$results" "${report_args[@]}"
    run_status=$?
    case $run_status in
      0 | 1 | 3) ;;
      *) echo "[nightly] kmod-matrix merge failed with exit $run_status" >&2; exit "$run_status" ;;
    esac
    ;;
esac

run_id=$(latest_run)
if [[ -z $run_id ]]; then echo "[nightly] no run directory under $results" >&2; exit 2; fi
echo "$run_id" >"$reports/run-id"

"$kmx" compare --previous "$run_id" --results "$results" | tee "$reports/compare.txt"
compare_status=${PIPESTATUS[0]}
"$kmx" compare --previous "$run_id" --results "$results" --json >"$reports/compare.json" || true
"$kmx" site --results "$results" -o "$results/site" || echo "[nightly] the site could not be written" >&2
if [[ $compare_status == 1 && -n $notify ]]; then
  sh -c "$notify" <"$reports/compare.json" || echo "[nightly] --notify command failed" >&2
fi

if [[ $compare_status == 1 || $run_status == 1 ]]; then exit 1; fi
if [[ $compare_status != 0 ]]; then exit "$compare_status"; fi
if [[ $run_status == 3 ]]; then echo "[nightly] infrastructure errors persisted after 3 attempts: see the report" >&2; fi
exit 0
