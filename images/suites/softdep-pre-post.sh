# softdep:pre-post - MODULE_SOFTDEP("pre: a post: b") loads a, the module, b
# in that order and modprobe -r unloads them in reverse.
. "$(dirname "$0")/common.sh"
mods="kmx_softdep_main kmx_softdep_pre kmx_softdep_post"
unload $mods
grep -q '^softdep kmx_softdep_main pre: kmx_softdep_pre post: kmx_softdep_post' "$MODDIR/modules.softdep" ||
  fail "modules.softdep lacks kmx_softdep_main's softdep"
mark_dmesg
modprobe kmx_softdep_main || fail "modprobe exited $?"
order=$(kmx_events loaded)
echo "load order: $order"
[ "$order" = "kmx_softdep_pre kmx_softdep_main kmx_softdep_post " ] || fail "load order was: $order"
modprobe -r kmx_softdep_main || fail "modprobe -r exited $?"
order=$(kmx_events unloaded)
echo "unload order: $order"
for m in $mods; do loaded "$m" && fail "$m still loaded after modprobe -r"; done
[ "$order" = "kmx_softdep_post kmx_softdep_main kmx_softdep_pre " ] || fail "unload order was: $order"
