# softdep:modprobe.d - a softdep in /etc/modprobe.d applies, and of two lines
# for one module only the first counts (kmod, like module-init-tools).
. "$(dirname "$0")/common.sh"
conf=/etc/modprobe.d/kmx-softdep.conf
all="kmx_softdep_main kmx_softdep_plain kmx_softdep_pre kmx_softdep_post kmx_softdep_alt"
trap 'rm -f $conf' EXIT
unload $all

# 1. A module with its own softdep, given another one in modprobe.d.
echo "softdep kmx_softdep_main pre: kmx_softdep_alt" >$conf
mark_dmesg
modprobe kmx_softdep_main || fail "modprobe kmx_softdep_main exited $?"
order=$(kmx_events loaded)
echo "with modprobe.d softdep: $order"
case "$order" in *kmx_softdep_alt*kmx_softdep_main*) ;; *) fail "modprobe.d softdep ignored: $order" ;; esac
# Whether the module's own MODULE_SOFTDEP still applies is recorded, not judged.
loaded kmx_softdep_pre && metric own_softdep_kept 1 || metric own_softdep_kept 0
modprobe -r kmx_softdep_main
unload $all

# 2. First match: two lines for a module without softdeps of its own.
printf 'softdep kmx_softdep_plain pre: kmx_softdep_alt\nsoftdep kmx_softdep_plain pre: kmx_softdep_pre\n' >$conf
mark_dmesg
modprobe kmx_softdep_plain || fail "modprobe kmx_softdep_plain exited $?"
order=$(kmx_events loaded)
echo "two lines, first should win: $order"
[ "$order" = "kmx_softdep_alt kmx_softdep_plain " ] || fail "first-match rule broken: $order"
modprobe -r kmx_softdep_plain
unload $all
