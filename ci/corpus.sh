#!/usr/bin/env bash
# The boot corpus (orchestrator/tests/testdata/corpus/, see its README.md):
# every recorded boot classified and held to the invariants.
#   bash ci/corpus.sh           check every sample against its `expected`
#   bash ci/corpus.sh --update  rewrite each `expected` from what the
#                               classifier says now, then show what changed
# Review an update's diff as you would code: it is the verdicts that moved.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${KMX_BUILD_DIR:-build}
case ${1:-} in
  "") update=0 ;;
  --update) update=1 ;;
  *) echo "usage: bash ci/corpus.sh [--update]" >&2; exit 2 ;;
esac
[[ -f $build/build.ninja ]] || { echo "corpus: no build in $build (fix: bash ci/build.sh)" >&2; exit 2; }
ninja -C "$build" kmx_unit_tests >/dev/null
filter='Recorded/BootCorpus.*:Recorded/ConsoleCorpus.*'
if ((update)); then
  KMX_CORPUS_UPDATE=1 "$build/orchestrator/tests/unit/kmx_unit_tests" --gtest_brief=1 --gtest_filter="$filter"
  git --no-pager diff --stat -- orchestrator/tests/testdata/corpus
  echo "corpus: goldens rewritten; review the diff above, then run bash ci/corpus.sh"
else
  "$build/orchestrator/tests/unit/kmx_unit_tests" --gtest_brief=1 --gtest_filter="$filter"
fi
