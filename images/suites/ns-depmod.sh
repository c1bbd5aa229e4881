# ns:depmod - depmod of the kmod under test resolves every symbol of the
# image's modules, namespaced ones included, against the kernel's exports.
# The kernel's Module.symvers names each export's namespace (Debian's
# System.map is a stub pointing at the -dbg package, so it cannot serve).
. "$(dirname "$0")/common.sh"
symvers=/usr/share/kmod-matrix/Module.symvers
[ -r "$symvers" ] || skip "no kernel Module.symvers in the image"
metric namespaced_kernel_exports "$(awk -F'\t' '$5 != ""' "$symvers" | grep -c .)"
out=$(depmod -n -e -E "$symvers" 2>&1 >/dev/null)
metric depmod_warnings "$(echo -n "$out" | grep -c .)"
bad=$(echo "$out" | depmod_unknown_symbols)
[ -z "$bad" ] || fail "depmod: $(echo "$bad" | head -n 1)"
echo "depmod -e -F reports no unknown symbols for $(grep -c . "$MODDIR/modules.dep") modules"
