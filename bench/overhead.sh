#!/usr/bin/env bash
# Fixed cost of kmod-matrix per cell over bare QEMU: the same kernel, the same
# initramfs, the same kernel command line and test, run alternately so both
# sides see the same machine load. The bare side is QEMU started by hand and
# killed as soon as the agent reports `done` (what kmod-matrix waits for too).
# Prints each pair, then the medians of:
#   diff_s   kmod-matrix wall - bare wall: the fixed cost, but carrying the
#            guest's own run-to-run noise under TCG (a second either way here);
#   fixed_s  (kmod-matrix wall - its guest's run) - (bare wall - its guest's
#            run): the same difference with the guest's run taken out on each
#            side, as each side saw it. kmod-matrix's guest run is VM start to
#            the agent's done less libvirt's domain start, or the wait for
#            the VM made ahead and its resume (run --timings);
#            bare QEMU's is its launch to done, QEMU's own start-up included,
#            so fixed_s leans against kmod-matrix;
#   guest_d  kmod-matrix's guest run - bare's: ~0 unless libvirt's guest boots
#            slower than the bare one (it is in diff_s, not in fixed_s).
# The last round's phase breakdown (run --timings) follows.
#
# With CELLS > 1 the matrix has that many cells of the test (512, 513, ...
# MiB) run one after another, the bare side as many QEMUs in a row, and
# every figure is per cell: what a cell costs inside a longer run, where the
# process start and host setup are paid once.
#
#   bash bench/overhead.sh [ROUNDS] [TEST] [CELLS]   (defaults: 9 kmod:0001 1)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/matrix.sh
. bench/timings.sh
rounds=${1:-9}
test_id=${2:-kmod:0001}
cells=${3:-1}
bin=${KMX_BIN:-./build/orchestrator/kmod-matrix}
work=$(mktemp -d /tmp/kmx-bench.XXXXXX)
trap 'pkill -f "kmx-bench-bare-$$" 2>/dev/null || true; rm -rf "$work"' EXIT

bench_matrix bench "$test_id" "$(seq -s, 512 $((511 + cells)))" >"$work/matrix.toml"

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
# The kernel file kmod-matrix gave QEMU (under TCG the uncompressed kernel
# it boots at its PVH entry), as libvirt's log of the warm-up domain names it.
run_id=$(basename "$(dirname "$json")")
vmlinuz=$(grep -h -o -- '-kernel [^ ]*' "/var/log/libvirt/qemu/kmx-${run_id##*-}-$run_id-c0-b1.log" 2>/dev/null |
  tail -1 | cut -d' ' -f2)
[[ -n $vmlinuz ]] || vmlinuz=$(ls "$cache"/kernels/*/root/boot/vmlinuz-"$release" | head -1)
# The command line kmod-matrix gave the guest, as the guest kernel printed it.
cmdline=$(grep -m1 -h 'Command line: ' "$work"/results/*/cells/*/boot-1/console.log | sed 's/.*Command line: //' | tr -d '\r')
[[ -n $cmdline ]] || { echo "no kernel command line in the warm-up run's console log" >&2; exit 1; }

bare_qemu() {
  : >"$work/agent.log"
  # shellcheck disable=SC2046
  qemu-system-x86_64 -name "kmx-bench-bare-$$" $(accel_flag "$accel") -m 512 -smp 1 -M pc -nodefaults \
    -display none -no-reboot -kernel "$vmlinuz" -initrd "$initrd" -append "$cmdline" \
    -serial file:"$work/console.log" -serial file:"$work/agent.log" >/dev/null 2>&1 &
  local pid=$! start; start=$(now)
  # Polled as often as kmod-matrix polls (50 ms): faster polling would cost
  # the guest CPU on a 2-core host.
  until grep -q '"ev":"done"' "$work/agent.log"; do
    kill -0 "$pid" 2>/dev/null || { echo "bare QEMU ended before the agent's done" >&2; exit 1; }
    sleep 0.05
  done
  bare_guest=$(echo "$(now) - $start" | bc -l)
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}

diffs=(); ratios=(); fixed=(); guest_d=()
printf '%-6s %14s %12s %8s %7s %8s %8s\n' round kmod-matrix_s bare-qemu_s diff_s ratio fixed_s guest_d
for r in $(seq 1 "$rounds"); do
  t0=$(now)
  "$bin" run "$work/matrix.toml" --results "$work/results" --timings >/dev/null 2>"$work/last.log" &
  pid=$!
  wait "$pid"
  t1=$(now)
  # libvirtd may still be tearing the domains down: not on the bare side's
  # clock. Only this run's (kmx-<pid>-...): a second VM job may run beside.
  while virsh -q list --name 2>/dev/null | grep -q "^kmx-$pid-"; do sleep 0.1; done
  t1b=$(now)
  bare_guest_sum=0
  for _ in $(seq 1 "$cells"); do bare_qemu; bare_guest_sum=$(echo "$bare_guest_sum + $bare_guest" | bc -l); done
  bare_guest=$bare_guest_sum
  t2=$(now)
  km=$(echo "$t1 - $t0" | bc -l); bq=$(echo "$t2 - $t1b" | bc -l)
  diffs+=("$(echo "($km - $bq) / $cells" | bc -l)"); ratios+=("$(echo "$km / $bq" | bc -l)")
  # The guest's run: VM start to done, less libvirt's part of the start
  # (define-and-start, or the wait for a VM being made ahead and its resume).
  km_guest=$(echo "$(phase_total "$work/last.log" 'boot: VM start to agent boot event') + $(phase_total "$work/last.log" 'boot: agent boot event to done') - $(phase_total_or_0 "$work/last.log" 'boot: domain define and start') - $(phase_total_or_0 "$work/last.log" 'boot: wait for the VM made ahead') - $(phase_total_or_0 "$work/last.log" 'boot: resume of the VM made ahead')" | bc -l)
  fixed+=("$(echo "(($km - $km_guest) - ($bq - $bare_guest)) / $cells" | bc -l)")
  guest_d+=("$(echo "($km_guest - $bare_guest) / $cells" | bc -l)")
  printf '%-6s %14.2f %12.2f %8.2f %7.2f %8.2f %8.2f\n' "$r" "$km" "$bq" "${diffs[-1]}" "${ratios[-1]}" "${fixed[-1]}" "${guest_d[-1]}"
done
printf 'accel %s, test %s, %s cell(s) per run, %s rounds, medians per cell: diff %.2f s, ratio %.2f, fixed cost %.2f s, guest difference %.2f s\n' \
  "$accel" "$test_id" "$cells" "$rounds" "$(median "${diffs[@]}")" "$(median "${ratios[@]}")" "$(median "${fixed[@]}")" \
  "$(median "${guest_d[@]}")"
sed -n '/^phase /,/^exit: /p' "$work/last.log"
