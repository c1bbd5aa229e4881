#!/usr/bin/env bash
# Overhead of kmod-matrix over bare QEMU for one cell: the same kernel, the
# same initramfs and the same test, run alternately so both sides see the
# same machine load. Prints each pair and the median ratio.
#
#   bash bench/overhead.sh [ROUNDS] [TEST]      (defaults: 3 kmod:0001)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
test_id=${2:-kmod:0001}
bin=./build/orchestrator/kmod-matrix
work=$(mktemp -d /tmp/kmx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

cat >"$work/matrix.toml" <<TOML
name = "bench"
tests = ["$test_id"]
vcpus = [1]
memory_mib = [512]
[[kernel]]
name = "debian-6.1"
package = "linux-image-6.1.0-56-amd64"
[[kmod]]
name = "host"
TOML

now() { date +%s.%N; }
accel_flag() { [[ $1 == kvm ]] && echo "-accel kvm -cpu host" || echo "-accel tcg"; }

# Warm-up run: builds or finds the image and learns the accelerator.
"$bin" run "$work/matrix.toml" --results "$work/results" >"$work/warmup.log" 2>&1
json=$(ls "$work"/results/*/results.json | head -1)
read -r accel image release < <(python3 -c "
import json,sys; d=json.load(open('$json')); c=d['cells'][0]
print(d['host']['accel'], c['image'], c['guest_uname'])")
cache=${KMX_CACHE:-/var/cache/kmod-matrix}
initrd="$cache/images/$image/initrd.cpio"
vmlinuz=$(ls "$cache"/kernels/*/root/boot/vmlinuz-"$release" | head -1)
cmdline="console=ttyS0,115200 panic=-1 printk.devkmsg=on loglevel=7 rdinit=/init kmx.tests=$test_id@300"

ratios=()
printf '%-6s %14s %14s %8s\n' round kmod-matrix_s bare-qemu_s ratio
for r in $(seq 1 "$rounds"); do
  t0=$(now)
  "$bin" run "$work/matrix.toml" --results "$work/results" >/dev/null 2>&1
  t1=$(now)
  # shellcheck disable=SC2046
  qemu-system-x86_64 $(accel_flag "$accel") -m 512 -smp 1 -nodefaults -display none -no-reboot \
    -kernel "$vmlinuz" -initrd "$initrd" -append "$cmdline" \
    -serial file:"$work/console.log" -serial file:"$work/agent.log" >/dev/null 2>&1
  t2=$(now)
  grep -q '"ev":"done"' "$work/agent.log" || { echo "bare QEMU run did not finish the test" >&2; exit 1; }
  km=$(echo "$t1 - $t0" | bc -l); bq=$(echo "$t2 - $t1" | bc -l); ratio=$(echo "$km / $bq" | bc -l)
  ratios+=("$ratio")
  printf '%-6s %14.2f %14.2f %8.2f\n' "$r" "$km" "$bq" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'accel %s, test %s: median ratio kmod-matrix / bare qemu = %.2f\n' "$accel" "$test_id" "$median"
