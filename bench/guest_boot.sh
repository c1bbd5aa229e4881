#!/usr/bin/env bash
# Where a guest's boot goes, per kernel, before and after the harness's trims:
# "before" boots the unstripped agent (build/guest-agent/kmx-agent.unstripped),
# "after" the stripped one kmod-matrix ships. Alternated, ROUNDS each, one
# kmod:0001 cell per run; medians from `run --timings`.
#
#   bash bench/guest_boot.sh [ROUNDS] [PACKAGE...]
#   (defaults: 3, linux-image-6.1.0-56-amd64 linux-image-6.12.95+deb12-amd64 linux-image-7.2.13+deb14-amd64)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/matrix.sh
. bench/timings.sh  # one boot per run: a phase's total is that boot's
rounds=${1:-3}
shift || true
packages=("$@")
((${#packages[@]})) || packages=(linux-image-6.1.0-56-amd64 linux-image-6.12.95+deb12-amd64 linux-image-7.2.13+deb14-amd64)
bin=./build/orchestrator/kmod-matrix
agents=(build/guest-agent/kmx-agent.unstripped build/guest-agent/kmx-agent)
work=$(mktemp -d /tmp/kmx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT


printf '%-34s %-7s %9s %11s %11s %11s %11s\n' kernel agent initrd_MiB vm_to_boot_s kernel_s agent_s first_byte_s
for package in "${packages[@]}"; do
  bench_matrix bench-guest-boot kmod:0001 512 "$package" >"$work/matrix.toml"
  declare -A vm=() kern=() agent=() first=() size=()
  for side in 0 1; do  # warm-up: builds each side's image
    "$bin" run "$work/matrix.toml" --results "$work/r" --agent "${agents[$side]}" >/dev/null 2>"$work/warm.log" ||
      { echo "warm-up run of $package failed:" >&2; tail -5 "$work/warm.log" >&2; exit 1; }
    json=$(ls -t "$work"/r/*/results.json | head -1)
    image=$(python3 -c "import json; print(json.load(open('$json'))['cells'][0]['image'])")
    size[$side]=$(stat -c %s "${KMX_CACHE:-/var/cache/kmod-matrix}/images/$image/initrd.cpio")
  done
  for _ in $(seq 1 "$rounds"); do
    for side in 0 1; do
      "$bin" run "$work/matrix.toml" --results "$work/r" --agent "${agents[$side]}" --timings >/dev/null 2>"$work/t.log"
      vm[$side]+="$(phase_total "$work/t.log" 'boot: VM start to agent boot event') "
      kern[$side]+="$(phase_total "$work/t.log" 'guest: kernel start to agent start') "
      agent[$side]+="$(phase_total "$work/t.log" 'guest: agent start to boot event') "
      first[$side]+="$(phase_total "$work/t.log" 'boot: VM start to first console byte') "
    done
  done
  for side in 0 1; do
    # shellcheck disable=SC2086
    printf '%-34s %-7s %9.1f %11.2f %11.2f %11.2f %11.2f\n' "$package" "$([[ $side == 0 ]] && echo before || echo after)" \
      "$(echo "${size[$side]} / 1048576" | bc -l)" "$(median ${vm[$side]})" "$(median ${kern[$side]})" \
      "$(median ${agent[$side]})" "$(median ${first[$side]})"
  done
  unset vm kern agent first size
done
