#!/usr/bin/env bash
# Image builds beside running cells: a 4-cell matrix (Debian 6.1 and 6.12,
# host kmod, kmod:0001, 1 vCPU, 512/640 MiB, -j 1) run alternately "cold"
# (6.12's test modules and image removed from the cache first, so they are
# built while the 6.1 cells run) and "warm" (everything cached). Prints per
# round: wall, the background build's time, and the 6.1 cells' kmod:0001
# duration and boot time, to see whether the niced build slows the guests.
# "serial" is warm wall + build: what the run cost when every image was
# made before the first VM.
#
#   bash bench/image_overlap.sh [ROUNDS]     (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/timings.sh
rounds=${1:-3}
bin=./build/orchestrator/kmod-matrix
cache=${KMX_CACHE:-/var/cache/kmod-matrix}
work=$(mktemp -d /tmp/kmx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/matrix.toml" <<TOML
name = "bench-image-overlap"
tests = ["kmod:0001"]
vcpus = [1]
memory_mib = [512, 640]
[[kernel]]
name = "debian-6.1"
package = "linux-image-6.1.0-56-amd64"
[[kernel]]
name = "debian-6.12"
package = "linux-image-6.12.95+deb12-amd64"
[[kmod]]
name = "host"
TOML
"$bin" run "$work/matrix.toml" --results "$work/r" >/dev/null 2>&1  # warm everything once
release=$(python3 -c "
import json,glob; d=json.load(open(glob.glob('$work/r/*/results.json')[0]))
print([c['guest_uname'] for c in d['cells'] if c['kernel']['name']=='debian-6.12'][0])")
key=${release//+/_}
one() {
  local mode=$1 t0 t1
  [[ $mode == cold ]] && rm -rf "$cache"/test-modules/"$key"-* "$cache"/images/"$key"_*
  t0=$(date +%s.%N)
  "$bin" run "$work/matrix.toml" --results "$work/r" --timings >/dev/null 2>"$work/t.log"
  t1=$(date +%s.%N)
  local build json
  build=$(phase_total "$work/t.log" "images: built beside running cells")
  json=$(ls -t "$work"/r/*/results.json | head -1)
  python3 - "$json" "$mode" "$(echo "$t1 - $t0" | bc -l)" "${build:-0}" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); mode, wall, build = sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
k61 = [c for c in d['cells'] if c['kernel']['name'] == 'debian-6.1']
dur = sum(c['tests'][0]['duration_s'] for c in k61) / len(k61)
boot = sum(c['boots'][-1]['boot_s'] for c in k61) / len(k61)
print(f"{mode:<6} {wall:8.1f} {build:9.1f} {dur:12.2f} {boot:11.2f}")
PY
}
printf '%-6s %8s %9s %12s %11s\n' mode wall_s build_s 6.1_test_s 6.1_boot_s
for _ in $(seq 1 "$rounds"); do one cold; one warm; done
