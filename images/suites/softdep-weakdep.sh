# softdep:weakdep - MODULE_WEAKDEP (kernel >= 6.11, kmod >= 33) is recorded
# in modules.weakdep and never loaded by modprobe.
. "$(dirname "$0")/common.sh"
require_kernel 6.11
require_kmod 33
modinfo kmx_weakdep_main | modinfo_field weakdep | grep -qx kmx_softdep_plain || fail "modinfo shows no weakdep"
grep -q '^weakdep kmx_weakdep_main kmx_softdep_plain' "$MODDIR/modules.weakdep" || fail "modules.weakdep lacks the entry"
unload kmx_weakdep_main kmx_softdep_plain
modprobe kmx_weakdep_main || fail "modprobe exited $?"
loaded kmx_softdep_plain && fail "modprobe loaded a weak dependency"
modprobe -r kmx_weakdep_main
echo "weakdep indexed and not loaded"
