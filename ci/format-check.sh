#!/usr/bin/env bash
# Every C++ file follows .clang-format. Prints the files that do not and
# exits 1; `bash ci/format-check.sh --fix` rewrites them in place.
set -euo pipefail
cd "$(dirname "$0")/.."
fmt=$(command -v clang-format-14 || command -v clang-format || true)
[[ -n $fmt ]] || { echo "format-check: clang-format is not installed (ci/setup-host.sh installs it)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cc' '*.h' | grep -E '^(orchestrator|guest-agent|bench)/')
if [[ ${1:-} == --fix ]]; then "$fmt" -i "${files[@]}"; exit 0; fi
bad=()
for f in "${files[@]}"; do "$fmt" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f"); done
if ((${#bad[@]})); then
  printf 'format-check: not in .clang-format style (fix: bash ci/format-check.sh --fix):\n' >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "format-check: ${#files[@]} files follow .clang-format"
