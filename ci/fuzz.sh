#!/usr/bin/env bash
# Builds the libFuzzer targets (orchestrator/tests/fuzz) with clang, ASan and
# UBSan into build-fuzz/, and runs each for SECONDS (first argument, else
# $FUZZ_SECONDS, else 60) from its seed corpus. Fails on any finding; the
# input that found it is left in build-fuzz/fuzz-work/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-${FUZZ_SECONDS:-60}}"
cxx="${FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}"
[[ -n $cxx ]] || { echo "[fuzz] no clang++: apt install clang-14 libclang-rt-14-dev" >&2; exit 2; }
targets=(agent_stream console_scan boot_classifier matrix_parser axis_range shard_spec hosts_file owner_metadata)

cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" -DKMX_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

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
echo "[fuzz] no findings"
