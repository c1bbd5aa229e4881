#!/usr/bin/env bash
# bench/console_scan.sh [REV] [MIB...]: the console scan of the working tree
# beside the one of REV (default: the commit before the linear scan,
# 7c22611), on one line of a repeated fragment per size, in one run. Sizes
# default to 0.0625 0.125 0.25 (REV's scan is quadratic: 1 MiB takes it
# minutes). Needs build/ (cmake --build build --target kmx-console-scan-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:-7c22611}"
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(0.0625 0.125 0.25)
cmake --build build --target kmx-console-scan-bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git show "$rev:orchestrator/src/verdict/console_scan.cc" >"$work/console_scan.cc"
c++ -std=c++20 -O2 -Iorchestrator/src -Iguest-agent/include -o "$work/old-bench" bench/console_scan.cc \
  "$work/console_scan.cc" orchestrator/src/verdict/agent_stream.cc orchestrator/src/verdict/kmod_rounds.cc
echo "== $rev"
"$work/old-bench" "${sizes[@]}"
echo "== working tree"
build/bench/kmx-console-scan-bench "${sizes[@]}"
