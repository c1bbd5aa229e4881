#!/usr/bin/env bash
# Wall time of a 4-cell matrix (1 vCPU each) with --jobs 1 and --jobs 2,
# alternated in the same session so both see the same machine.
#
#   bash bench/parallel.sh [ROUNDS]     (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
bin=./build/orchestrator/kmod-matrix
work=$(mktemp -d /tmp/kmx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat >"$work/matrix.toml" <<TOML
name = "bench-parallel"
tests = ["kmod:0001-0004"]
vcpus = [1]
memory_mib = [256, 384, 512, 640]
[[kernel]]
name = "debian-6.1"
package = "linux-image-6.1.0-56-amd64"
[[kmod]]
name = "host"
TOML
"$bin" run "$work/matrix.toml" --results "$work/r" -j 1 >/dev/null 2>&1  # warm the image cache
timed() { local t0 t1; t0=$(date +%s.%N); "$bin" run "$work/matrix.toml" --results "$work/r" -j "$1" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
printf '%-6s %10s %10s %8s\n' round j1_s j2_s ratio
for r in $(seq 1 "$rounds"); do
  a=$(timed 1); b=$(timed 2)
  printf '%-6s %10.1f %10.1f %8.2f\n' "$r" "$a" "$b" "$(echo "$a / $b" | bc -l)"
done
