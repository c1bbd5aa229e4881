# softdep:circular - two modules that soft-depend on each other: each loads
# exactly once, modprobe terminates, both unload. kmod's promise: a module
# already on the probe list is skipped ("already visited" in
# libkmod-module.c __kmod_module_get_probe_list), so modprobe of either one
# inserts the other first, then itself (kmod's testsuite:
# modprobe_softdep_loop). Tools under `timeout` are named by path: busybox's
# timeout would run its own modprobe applet instead of the kmod under test.
. "$(dirname "$0")/common.sh"
unload kmx_softdep_circ_a kmx_softdep_circ_b
echo "before: $(grep -c '^kmx_softdep_circ' /proc/modules) circ modules loaded"
mark_dmesg
planned=$(modprobe --show-depends kmx_softdep_circ_a | awk '{ print $2 }' | xargs -n1 basename | tr '\n' ' ')
echo "modprobe --show-depends: $planned"
out=$(timeout 30 /sbin/modprobe -v kmx_softdep_circ_a 2>&1)
rc=$?
echo "modprobe -v (exit $rc): $(echo "$out" | tr '\n' ';')"
echo "kernel log: $(new_dmesg | grep -v kmx-suite-mark | tr '\n' ';')"
[ $rc = 124 ] && fail "modprobe kmx_softdep_circ_a did not finish in 30 s"
[ $rc = 0 ] || fail "modprobe kmx_softdep_circ_a exited $rc"
events=$(kmx_events loaded)
echo "loaded: $events"
for m in kmx_softdep_circ_a kmx_softdep_circ_b; do
  loaded "$m" || fail "$m not loaded by modprobe kmx_softdep_circ_a (exit 0), although --show-depends plans: $planned"
  n=$(echo "$events" | tr ' ' '\n' | grep -cx "$m")
  metric "loads_${m#kmx_softdep_}" "$n"
  [ "$n" = 1 ] || fail "$m initialised $n times"
done
timeout 30 /sbin/modprobe -r kmx_softdep_circ_a || fail "modprobe -r kmx_softdep_circ_a exited $?"
loaded kmx_softdep_circ_b && { timeout 30 /sbin/modprobe -r kmx_softdep_circ_b || fail "modprobe -r kmx_softdep_circ_b exited $?"; }
for m in kmx_softdep_circ_a kmx_softdep_circ_b; do loaded "$m" && fail "$m still loaded"; done
echo "both loaded once and unloaded"
