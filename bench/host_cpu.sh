#!/usr/bin/env bash
# CPU time the host spends beside the guests during one run of the 4-cell
# matrix of bench/parallel.sh: at -j 2 both cores run guests, so every
# second of it is taken from them. Sums, per process and thread kind, the
# CPU (user + system) that threads used between the run's start and end,
# from /proc, sampled every 0.2 s (threads that exit between samples lose
# at most their last 0.2 s):
#   tcg          QEMU's vCPU threads (the guests themselves)
#   qemu_other   QEMU's main loop, monitor and RCU threads
#   libvirtd, virtlogd (writes the serial logs), kmx (kmod-matrix)
#
#   bash bench/host_cpu.sh [JOBS] [ROUNDS]     (default 2 and 2)
#   KMX_BIN=/path/to/other/kmod-matrix bash bench/host_cpu.sh 2 1
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-2}
rounds=${2:-2}
bin=${KMX_BIN:-./build/orchestrator/kmod-matrix}  # another build to compare
work=$(mktemp -d /tmp/kmx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp bench/four-cells.toml "$work/matrix.toml"
cat >"$work/sample.py" <<'PY'
import collections, os, sys, time
marker = sys.argv[1]
def snapshot():
    threads = {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            process = open(f'/proc/{pid}/comm').read().strip()
            for tid in os.listdir(f'/proc/{pid}/task'):
                stat = open(f'/proc/{pid}/task/{tid}/stat').read()
                thread = stat[stat.index('(') + 1:stat.rindex(')')]
                fields = stat[stat.rindex(')') + 2:].split()
                threads[(pid, tid)] = (process, thread, int(fields[11]) + int(fields[12]))
        except OSError:
            pass
    return threads
first = snapshot()
last = dict(first)
while os.path.exists(marker):
    last.update(snapshot())
    time.sleep(0.2)
def kind(process, thread):
    if process.startswith('qemu'):
        return 'tcg' if 'CPU' in thread else 'qemu_other'
    if process.startswith('kmod-matrix'):  # comm is cut at 15 characters
        return 'kmx'
    return {'libvirtd': 'libvirtd', 'virtlogd': 'virtlogd'}.get(process)
used = collections.Counter()
for key, (process, thread, ticks) in last.items():
    k = kind(process, thread)
    if k:
        used[k] += (ticks - first.get(key, (0, 0, 0))[2]) / os.sysconf('SC_CLK_TCK')
print(' '.join(f'{used[k]:10.2f}' for k in ('tcg', 'qemu_other', 'libvirtd', 'virtlogd', 'kmx')))
PY
"$bin" run "$work/matrix.toml" --results "$work/r" -j 1 >/dev/null 2>&1  # warm the image cache
printf '%-6s %8s %10s %10s %10s %10s %10s\n' round wall_s tcg qemu_other libvirtd virtlogd kmx
for r in $(seq 1 "$rounds"); do
  while virsh -q list --name 2>/dev/null | grep -q '^kmx-'; do sleep 0.1; done
  touch "$work/running"
  python3 "$work/sample.py" "$work/running" >"$work/cpu" &
  sampler=$!
  sleep 0.5
  t0=$(date +%s.%N)
  "$bin" run "$work/matrix.toml" --results "$work/r" -j "$jobs" >/dev/null 2>&1
  t1=$(date +%s.%N)
  rm "$work/running"
  wait "$sampler"
  printf '%-6s %8.1f %s\n' "$r" "$(echo "$t1 - $t0" | bc -l)" "$(cat "$work/cpu")"
done
