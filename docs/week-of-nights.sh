#!/usr/bin/env bash
# Seven nights of a small matrix back to back through ci/nightly.sh, as a CI
# job would run them, with what a real week brings: Debian rolls the 6.1
# kernel package on night 3, the module tools become busybox's on night 5
# (a regression) and kmod again on night 7 (the fix). Writes the nights to
# OUT (default /tmp/kmx-week) and docs/site-week.png, the README's picture
# of the site. Needs ci/setup-host.sh and ci/build.sh (or KMX_BIN).
# Usage: docs/week-of-nights.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/kmx-week}
rm -rf "$out" && mkdir -p "$out"

# night_matrix KERNEL_PACKAGE KMOD_SOURCE: the matrix a night runs. The names
# stay ("debian-6.1", "modutils"): what they resolve to is what changes.
night_matrix() {
  cat <<EOF
name = "week"
tests = ["kmod:0001-0004", "softdep:pre-post", "softdep:circular", "ns:import", "dups:storm"]
vcpus = [1, 2]
memory_mib = [768]

[timeouts]
test_s = 300

[[kernel]]
name = "debian-6.1"
package = "$1"

[[kmod]]
name = "modutils"
source = "$2"
EOF
}

nights=(
  "linux-image-6.1.0-56-amd64 host"
  "linux-image-6.1.0-56-amd64 host"
  "linux-image-6.1.0-57-amd64 host"
  "linux-image-6.1.0-57-amd64 host"
  "linux-image-6.1.0-57-amd64 busybox"
  "linux-image-6.1.0-57-amd64 busybox"
  "linux-image-6.1.0-57-amd64 host"
)
for i in "${!nights[@]}"; do
  read -r package kmod <<<"${nights[$i]}"
  night_matrix "$package" "$kmod" >"$out/week.toml"
  echo "=== night $((i + 1)): $package, kmod $kmod"
  start=$(date +%s)
  status=0
  KMX_RESULTS=$out/results bash ci/nightly.sh "$out/week.toml" >"$out/night-$((i + 1)).log" 2>&1 || status=$?
  echo "    exit $status after $(($(date +%s) - start)) s; compare: $(tail -n 1 "$out/results/reports/compare.txt")"
  cp "$out/results/reports/compare.txt" "$out/compare-$((i + 1)).txt"
done

profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --user-data-dir="$profile" --hide-scrollbars \
  --screenshot="$PWD/docs/site-week.png" --window-size=1400,1300 "file://$out/results/site/index.html" 2>/dev/null
rm -rf "$profile"
echo "site: $out/results/site/index.html; picture: docs/site-week.png"
