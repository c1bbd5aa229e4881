#!/usr/bin/env bash
# A whole kmod-matrix cell against virtme-ng booting the same kernel and
# running one command, alternated ROUNDS times:
#   kmod-matrix  `kmod-matrix run` of a one-cell kmod:0001 matrix, process
#                start to exit: boot, the test, its verdict, results.json;
#   vng          `vng -r <vmlinuz> --exec 'uname -r'` (Debian's virtme-ng),
#                process start to exit; --disable-kvm when kmod-matrix's
#                accelerator choice was TCG (vng would try KVM, which boots no
#                Linux guest on such a host).
# The kernel is the Debian package's vmlinuz in kmod-matrix's cache; with
# VNG_KERNEL=pvh vng is given the uncompressed kernel kmod-matrix boots under
# TCG instead. Prints each round and the median ratio kmod-matrix / vng.
#
#   bash bench/virtme_ng.sh [ROUNDS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/matrix.sh
. bench/timings.sh
rounds=${1:-5}
bin=${KMX_BIN:-./build/orchestrator/kmod-matrix}
command -v vng >/dev/null || { echo "virtme_ng.sh: vng is not installed (Debian package virtme-ng)" >&2; exit 2; }
work=$(mktemp -d /tmp/kmx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

bench_matrix bench-vng kmod:0001 512 >"$work/matrix.toml"

now() { date +%s.%N; }
# Warm-up run: builds or finds the image and learns the accelerator.
"$bin" run "$work/matrix.toml" --results "$work/results" >"$work/warmup.log" 2>&1
json=$(ls "$work"/results/*/results.json | head -1)
read -r accel release < <(python3 -c "
import json; d=json.load(open('$json')); print(d['host']['accel'], d['cells'][0]['guest_uname'])")
cache=${KMX_CACHE:-/var/cache/kmod-matrix}
kernel=$(ls "$cache"/kernels/*/root/boot/vmlinuz-"$release" | head -1)
if [[ ${VNG_KERNEL:-bzimage} == pvh ]]; then kernel=$(ls "$cache"/pvh-kernels/"$release"*/vmlinux | head -1); fi
vng_flags=()
[[ $accel == kvm ]] || vng_flags+=(--disable-kvm)
vng -r "$kernel" "${vng_flags[@]}" --exec 'uname -r' >"$work/vng-warmup.log" 2>&1 ||
  { echo "virtme_ng.sh: vng failed in its warm-up run:" >&2; tail -5 "$work/vng-warmup.log" >&2; exit 1; }

ratios=()
printf '%-6s %14s %8s %7s\n' round kmod-matrix_s vng_s ratio
for r in $(seq 1 "$rounds"); do
  t0=$(now)
  "$bin" run "$work/matrix.toml" --results "$work/results" >"$work/run.log" 2>&1 &
  pid=$!
  wait "$pid"
  t1=$(now)
  # libvirtd may still be ending the cell's domain (kmx-<pid>-...): not on vng's clock.
  while virsh -q list --name 2>/dev/null | grep -q "^kmx-$pid-"; do sleep 0.1; done
  t1b=$(now)
  out=$(vng -r "$kernel" "${vng_flags[@]}" --exec 'uname -r' 2>"$work/vng.err")
  t2=$(now)
  [[ $out == *"$release"* ]] || { echo "virtme_ng.sh: vng printed '$out', not $release" >&2; exit 1; }
  km=$(echo "$t1 - $t0" | bc -l)
  vg=$(echo "$t2 - $t1b" | bc -l)
  ratios+=("$(echo "$km / $vg" | bc -l)")
  printf '%-6s %14.2f %8.2f %7.2f\n' "$r" "$km" "$vg" "${ratios[-1]}"
done
printf 'accel %s, kernel %s (%s), %s rounds: median ratio kmod-matrix / vng %.2f\n' "$accel" "$release" \
  "$(basename "$kernel")" "$rounds" "$(median "${ratios[@]}")"
