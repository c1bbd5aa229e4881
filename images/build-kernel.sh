#!/usr/bin/env bash
# build-kernel.sh SRC OUT [FRAGMENT...]: defconfig + kvm_guest.config + the
# fragments, then bzImage and modules into OUT (an O= directory), with
# ccache. Run by the `source` kernel provider; usable by hand too.
set -euo pipefail
src=$(realpath "$1"); out=$2; shift 2
mkdir -p "$out"; out=$(realpath "$out")
export CCACHE_BASEDIR=$src
export CCACHE_DIR=${CCACHE_DIR:-/var/cache/kmod-matrix/ccache}
cc=gcc; command -v ccache >/dev/null && cc="ccache gcc"
make -C "$src" O="$out" -s defconfig kvm_guest.config
[ $# -gt 0 ] && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$@" >/dev/null
make -C "$src" O="$out" -s olddefconfig
# Say which fragment options the kernel did not take (absent in this version).
for f in "$@"; do
  grep -E '^CONFIG_[A-Z0-9_]+=' "$f" | while IFS= read -r line; do
    grep -qx "$line" "$out/.config" || echo "build-kernel: $line not applied (unknown to this kernel?)"
  done
done
make -C "$src" O="$out" -j"$(nproc)" CC="$cc" bzImage modules
