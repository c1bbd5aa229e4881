#!/usr/bin/env bash
# Builds every libFuzzer target (orchestrator/tests/fuzz, fuzz_<name>.cc) with
# clang, ASan and UBSan into build-fuzz/, and runs each from its seed corpus
# for an equal share of a fixed total: the first argument, else
# $FUZZ_TOTAL_SECONDS, else 240 s (at least 5 s each). Fails on any finding;
# the input that found it is left in build-fuzz/fuzz-work/<target>/. A slow
# input is a finding too (-timeout): every scan must stay linear.
set -euo pipefail
cd "$(dirname "$0")/.."
total="${1:-${FUZZ_TOTAL_SECONDS:-240}}"
cxx="${FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}"
[[ -n $cxx ]] || { echo "[fuzz] no clang++: apt install clang-14 libclang-rt-14-dev" >&2; exit 2; }
mapfile -t targets < <(cd orchestrator/tests/fuzz && ls fuzz_*.cc | sed 's/^fuzz_//; s/\.cc$//')
seconds=$((total / ${#targets[@]}))
((seconds >= 5)) || seconds=5

# -O1 with line tables only: what libFuzzer's docs advise, a sanitizer's
# report still names files and lines, and the build takes less time than
# with full debug information.
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" -DKMX_FUZZ=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target kmx_fuzz_targets

failed=()
for t in "${targets[@]}"; do
  work="build-fuzz/fuzz-work/$t"
  mkdir -p "$work/corpus"
  echo "[fuzz] $t: ${seconds} s"
  # New inputs go to $work/corpus; the checked-in seeds are only read.
  if ! "build-fuzz/orchestrator/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "orchestrator/tests/fuzz/corpus/$t" \
      >"$work/log" 2>&1; then
    failed+=("$t")
    tail -n 40 "$work/log" >&2
  fi
  grep -E "^stat::number_of_executed_units|^Done" "$work/log" | sed "s/^/[fuzz] $t: /" || true
done
if ((${#failed[@]})); then
  echo "[fuzz] findings in: ${failed[*]} (inputs in build-fuzz/fuzz-work/<target>/)" >&2
  exit 1
fi
echo "[fuzz] no findings in ${#targets[@]} targets, ${seconds} s each"
