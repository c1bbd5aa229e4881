# Helpers shared by kmod-matrix guest suites (sourced by bash).
# Exit status is the verdict: 0 pass, 1 fail, 4 skip (kselftest's code).
# "KMX-METRIC name=value" lines become figures in results.json.
set -u
KREL=$(uname -r)
MODDIR=/lib/modules/$KREL

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 4; }
metric() { echo "KMX-METRIC $1=$2"; }

# version_ge A B: dotted version A >= B (non-digits end a component).
version_ge() {
  local IFS=. i x y
  local -a a=($1) b=($2)
  for ((i = 0; i < ${#b[@]} || i < ${#a[@]}; i++)); do
    x=${a[i]:-0}; y=${b[i]:-0}; x=${x%%[!0-9]*}; y=${y%%[!0-9]*}
    ((10#${x:-0} > 10#${y:-0})) && return 0
    ((10#${x:-0} < 10#${y:-0})) && return 1
  done
  return 0
}
kernel_version() { echo "${KREL%%[-+]*}"; }
kmod_version() { modprobe --version | awk 'NR == 1 { print $3 }'; }
require_kernel() { version_ge "$(kernel_version)" "$1" || skip "needs kernel >= $1, this is $KREL"; }
require_kmod() { version_ge "$(kmod_version)" "$1" || skip "needs kmod >= $1, this is kmod $(kmod_version)"; }

loaded() { grep -q "^$1 " /proc/modules; }
unload() { local m; for m in "$@"; do loaded "$m" && rmmod "$m" 2>/dev/null; done; return 0; }

# Parsers of tool output, kept here so they are tested on recorded samples
# (orchestrator/tests/unit/suite_parsers_test.cc).
# depmod's complaints about symbols nothing provides, from its stderr on stdin.
depmod_unknown_symbols() { grep -i 'needs unknown symbol' || true; }
# The value(s) of one field of `modinfo` output on stdin ("import_ns: X").
modinfo_field() { sed -n "s/^$1:[[:space:]]*//p"; }
# Whether a modules.dep text on stdin has the edge MOD -> DEP.
dep_edge() { grep -q "\(^\|/\)$1\.ko[^:]*:.*/$2\.ko"; }

# Kernel log lines written since mark_dmesg.
mark_dmesg() { DMESG_MARK="kmx-suite-mark-$$-$RANDOM"; echo "$DMESG_MARK" >/dev/kmsg; }
new_dmesg() { dmesg | sed -n "/$DMESG_MARK/,\$p"; }
# The kmx_* modules print "kmx: <name> loaded|unloaded"; list names in order.
kmx_events() { new_dmesg | grep -o "kmx: kmx_[a-z_]* $1" | awk '{ print $2 }' | tr '\n' ' '; }
