#!/usr/bin/env bash
# A matrix of KERNELS x KMODS x 2 vcpus x MEMORIES cells that `check` can
# verify offline: every kernel is a `build-dir` source pointing at a stub O=
# build (the four files its resolve looks for), every kmod the host's, so no
# apt lookup and no network. One [[expect]] per kernel exercises expectation
# matching. Prints the matrix file's path.
#
#   bash bench/large_matrix.sh DIR [KERNELS] [KMODS] [MEMORIES]
#   (defaults: 100 5 10 -> 100 x 5 x 2 x 10 = 10,000 cells)
set -euo pipefail
dir=${1:?usage: large_matrix.sh DIR [KERNELS] [KMODS] [MEMORIES]}
kernels=${2:-100}
kmods=${3:-5}
memories=${4:-10}
mkdir -p "$dir"
matrix="$dir/large.toml"

memory_axis=$(seq -s ', ' 256 32 $((256 + 32 * (memories - 1))))
{
  echo "name = \"large\""
  echo "tests = [\"kmod:0001\", \"kmod:0002\", \"ns:import\"]"
  echo "vcpus = [1, 2]"
  echo "memory_mib = [$memory_axis]"
  echo
  echo "[limits]"
  echo "max_cells = $((kernels * kmods * 2 * memories))"
  for k in $(seq 1 "$kernels"); do
    build="$dir/builds/k$k"
    mkdir -p "$build/arch/x86/boot" "$build/include/config"
    : >"$build/.config"
    : >"$build/arch/x86/boot/bzImage"
    : >"$build/Module.symvers"
    echo "6.1.$k-bench" >"$build/include/config/kernel.release"
    printf '\n[[kernel]]\nname = "k%d"\nsource = "build-dir"\npath = "%s"\n' "$k" "$build"
  done
  for m in $(seq 1 "$kmods"); do
    printf '\n[[kmod]]\nname = "kmod%d"\nsource = "host"\n' "$m"
  done
  for k in $(seq 1 "$kernels"); do
    printf '\n[[expect]]\ntest = "ns:import"\nkernel = "k%d"\nverdict = ["PASS", "SKIP"]\n' "$k"
  done
} >"$matrix"
echo "$matrix"
