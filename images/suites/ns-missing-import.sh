# ns:missing-import - a module using a namespaced symbol without importing
# the namespace must be refused with EINVAL and the kernel's explanation.
. "$(dirname "$0")/common.sh"
unload kmx_ns_noimport kmx_ns_importer kmx_ns_exporter
modprobe kmx_ns_exporter || fail "modprobe kmx_ns_exporter exited $?"
mark_dmesg
out=$(/init --finit "$MODDIR/extra/kmx_ns_noimport.ko" 1)
echo "$out"
loaded kmx_ns_noimport && fail "the kernel loaded kmx_ns_noimport"
echo "$out" | grep -q '^KMX-METRIC finit_errno_EINVAL=1$' || fail "finit_module did not fail with EINVAL"
line=$(new_dmesg | grep 'kmx_ns_noimport.*kmx_ns_value.*namespace KMX_TEST_NS, but does not import it')
[ -n "$line" ] || fail "no 'does not import it' message from the kernel"
echo "kernel: $line"
unload kmx_ns_exporter
