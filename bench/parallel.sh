#!/usr/bin/env bash
# Wall time of a 4-cell matrix (1 vCPU each) with --jobs 1 and --jobs 2,
# alternated in the same session so both see the same machine. Besides the
# walls and their ratio it prints, from each side's --timings, the guests'
# own time (VM start to the agent's done, summed over the cells) and what
# the walls cost beyond it:
#   guest_x   guest time at -j 2 over guest time at -j 1: how much two TCG
#             guests slow each other on the host's cores (1.00: not at all);
#   ceiling   2 / guest_x, the best ratio two slots could give with guests
#             that slow;
#   j2_extra  the -j 2 wall less half its guest time: the harness, the
#             cells' uneven lengths (a slot idle at the end) and the host.
# Each timed run starts once libvirtd has ended the previous run's domains.
#
#   bash bench/parallel.sh [ROUNDS]     (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/timings.sh
rounds=${1:-2}
bin=./build/orchestrator/kmod-matrix
work=$(mktemp -d /tmp/kmx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp bench/four-cells.toml "$work/matrix.toml"
"$bin" run "$work/matrix.toml" --results "$work/r" -j 1 >/dev/null 2>&1  # warm the image cache
now() { date +%s.%N; }
# timed JOBS: the wall in $wall, the guests' summed time in $guest.
timed() {
  while virsh -q list --name 2>/dev/null | grep -q '^kmx-'; do sleep 0.1; done
  local t0 t1; t0=$(now)
  "$bin" run "$work/matrix.toml" --results "$work/r" -j "$1" --timings >/dev/null 2>"$work/t.log"
  t1=$(now)
  wall=$(echo "$t1 - $t0" | bc -l)
  guest=$(echo "$(phase_total "$work/t.log" 'boot: VM start to agent boot event') + $(phase_total "$work/t.log" 'boot: agent boot event to done')" | bc -l)
}
ratios=()
printf '%-6s %8s %8s %7s %10s %10s %8s %8s %9s\n' round j1_s j2_s ratio j1_guest_s j2_guest_s guest_x ceiling j2_extra
for r in $(seq 1 "$rounds"); do
  timed 1; a=$wall; ga=$guest
  timed 2; b=$wall; gb=$guest
  ratios+=("$(echo "$a / $b" | bc -l)")
  printf '%-6s %8.1f %8.1f %7.2f %10.1f %10.1f %8.3f %8.2f %9.2f\n' "$r" "$a" "$b" "${ratios[-1]}" "$ga" "$gb" \
    "$(echo "$gb / $ga" | bc -l)" "$(echo "2 * $ga / $gb" | bc -l)" "$(echo "$b - $gb / 2" | bc -l)"
done
printf 'median ratio over %s rounds: %.2f\n' "$rounds" "$(median "${ratios[@]}")"
