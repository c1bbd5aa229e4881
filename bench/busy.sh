#!/usr/bin/env bash
# Runs COMMAND on a host made busy on purpose, and stops the load when it ends:
#   vm       a second VM job: one-cell kmod:0001 runs of kmod-matrix back to
#            back (its own results directory), as another user's run would be;
#   compile  two `nice -n 10` compilers of the guest agent's sources in a loop;
#   idle     no load (for alternated series).
# The load starts, and is given a few seconds to be under way, before COMMAND.
#
#   bash bench/busy.sh vm|compile|idle COMMAND [ARG...]
#   e.g. bash bench/busy.sh vm bash bench/overhead.sh 5 kmod:0001 1
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/matrix.sh
mode=$1
shift
# The second VM job's binary: this build's unless KMX_LOAD_BIN names another
# (KMX_BIN is the measured side's, in the benchmarks that take it).
bin=${KMX_LOAD_BIN:-./build/orchestrator/kmod-matrix}
work=$(mktemp -d /tmp/kmx-busy.XXXXXX)
loads=()
stop_load() {
  touch "$work/stop"
  for pid in "${loads[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait "${loads[@]}" 2>/dev/null || true
  rm -rf "$work"
}
trap stop_load EXIT

case $mode in
  vm)
    bench_matrix busy kmod:0001 400 >"$work/matrix.toml"
    (while [[ ! -e $work/stop ]]; do
      "$bin" run "$work/matrix.toml" --results "$work/results" >/dev/null 2>&1 || true
      rm -rf "$work/results"
    done) &
    loads+=($!)
    ;;
  compile)
    for _ in 1 2; do
      (while [[ ! -e $work/stop ]]; do
        for f in guest-agent/src/*.cc; do
          nice -n 10 g++ -std=c++20 -O2 -Iguest-agent/include -c "$f" -o /dev/null 2>/dev/null || true
        done
      done) &
      loads+=($!)
    done
    ;;
  idle) ;;
  *)
    echo "busy.sh: mode is vm, compile or idle, not '$mode'" >&2
    exit 2
    ;;
esac
[[ $mode == idle ]] || sleep 5
"$@"
