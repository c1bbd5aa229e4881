# ns:import - a module importing a symbol namespace is indexed and loaded
# with its exporter, and both go away with modprobe -r.
. "$(dirname "$0")/common.sh"
ns=$(modinfo kmx_ns_importer | modinfo_field import_ns)
echo "modinfo kmx_ns_importer import_ns: $ns"
[ "$ns" = KMX_TEST_NS ] || fail "modinfo shows import_ns '$ns', expected KMX_TEST_NS"
dep_edge kmx_ns_importer kmx_ns_exporter <"$MODDIR/modules.dep" ||
  fail "modules.dep has no kmx_ns_importer -> kmx_ns_exporter edge"
out=$(depmod -a 2>&1)
bad=$(echo "$out" | depmod_unknown_symbols)
[ -z "$bad" ] || fail "depmod: $bad"
unload kmx_ns_importer kmx_ns_exporter
mark_dmesg
modprobe kmx_ns_importer || fail "modprobe kmx_ns_importer exited $?"
loaded kmx_ns_exporter || fail "kmx_ns_importer loaded without kmx_ns_exporter"
order=$(kmx_events loaded)
echo "load order: $order"
[ "$order" = "kmx_ns_exporter kmx_ns_importer " ] || fail "load order was: $order"
modprobe -r kmx_ns_importer || fail "modprobe -r kmx_ns_importer exited $?"
loaded kmx_ns_importer && fail "kmx_ns_importer still loaded after modprobe -r"
loaded kmx_ns_exporter && fail "kmx_ns_exporter still loaded after modprobe -r kmx_ns_importer"
echo "namespace import indexed, loaded in order and removed"
