# dups:storm - N concurrent loads of one module (4 per vCPU), through
# modprobe and through finit_module directly. Since 6.5 the kernel
# deduplicates same-inode finit_module calls; before, losers get EEXIST.
. "$(dirname "$0")/common.sh"
n=$((4 * $(nproc)))
ko=$MODDIR/extra/kmx_dup_target.ko
metric concurrency "$n"

unload kmx_dup_target
mark_dmesg
pids=""
for i in $(seq "$n"); do modprobe kmx_dup_target & pids="$pids $!"; done
ok=0; failed=0
for p in $pids; do if wait "$p"; then ok=$((ok + 1)); else failed=$((failed + 1)); fi; done
metric modprobe_ok "$ok"
metric modprobe_failed "$failed"
loads=$(kmx_events loaded | tr ' ' '\n' | grep -c kmx_dup_target)
metric modprobe_inits "$loads"
loaded kmx_dup_target || fail "not loaded after $n modprobes"
[ "$failed" = 0 ] || fail "$failed of $n concurrent modprobes failed"
[ "$loads" = 1 ] || fail "module initialised $loads times"

unload kmx_dup_target
out=$(/init --finit "$ko" "$n")
echo "$out"
get() { echo "$out" | sed -n "s/^KMX-METRIC $1=//p"; }
ok=$(get finit_ok); eexist=$(get finit_errno_EEXIST); other=$(get finit_other)
loaded kmx_dup_target || fail "not loaded after $n finit_module calls"
[ "${other:-0}" = 0 ] || fail "$other finit_module calls failed with something other than EEXIST"
if version_ge "$(kernel_version)" 6.5; then
  [ "${ok:-0}" -ge 1 ] || fail "no finit_module call succeeded"
  echo "kernel >= 6.5: $ok succeeded, ${eexist:-0} EEXIST"
else
  [ "${ok:-0}" = 1 ] || fail "$ok finit_module calls succeeded, expected exactly 1 before 6.5"
  [ "${eexist:-0}" = $((n - 1)) ] || fail "expected $((n - 1)) EEXIST, got ${eexist:-0}"
  echo "kernel < 6.5: 1 succeeded, $eexist EEXIST"
fi
unload kmx_dup_target
