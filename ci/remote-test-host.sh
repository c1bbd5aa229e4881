#!/usr/bin/env bash
# A second libvirt host on this machine, for tests of runs over several
# hosts. Its libvirtd runs in a mount namespace of its own with private
# /var/lib/libvirt, /var/cache, /run/libvirt, /tmp and /work: it shares no
# file with the orchestrator, which must therefore send kernels and
# initramfs through libvirt and read the serial ports over libvirt streams,
# as with a lab host. It listens on 127.0.0.1 only (TCP, no auth).
#
#   ci/remote-test-host.sh start [PORT]   starts it (default port 16599) and prints its URI
#   ci/remote-test-host.sh uri [PORT]     prints the URI of the running one
#   ci/remote-test-host.sh kill-daemon    SIGKILLs its libvirtd only: a host lost mid-run
#   ci/remote-test-host.sh stop           ends the daemon and every process of its namespace
#   ci/remote-test-host.sh status
#
# Root only (mount namespaces, libvirtd). State lives in /run/kmx-test-host.
set -euo pipefail

state=/run/kmx-test-host
port=${2:-16599}
uri="qemu+tcp://127.0.0.1:${port}/system"

die() { echo "remote-test-host: $*" >&2; exit 2; }
[[ $(id -u) == 0 ]] || die "must run as root (mount namespaces, libvirtd)"
command -v libvirtd >/dev/null || die "libvirtd is missing; fix: bash ci/setup-host.sh"

holder_pid() { [[ -s $state/holder.pid ]] && kill -0 "$(cat "$state/holder.pid")" 2>/dev/null && cat "$state/holder.pid"; }

# Every process whose mount namespace is the test host's: its libvirtd,
# QEMUs it started (orphans once the daemon is killed) and the holder.
namespace_pids() {
  local ns pid
  ns=$(cat "$state/mntns" 2>/dev/null) || return 0
  for pid in /proc/[0-9]*; do
    [[ $(readlink "$pid/ns/mnt" 2>/dev/null) == "$ns" ]] && echo "${pid#/proc/}"
  done
  return 0
}

answers() { virsh -c "$uri" -q uri >/dev/null 2>&1; }

start() {
  if holder_pid >/dev/null && answers; then echo "$uri"; return; fi
  stop_all quiet
  # A fresh host each time: nothing defined on an earlier one survives.
  rm -rf "$state/etc"
  mkdir -p "$state/etc"
  cp -a /etc/libvirt/. "$state/etc/"
  rm -rf "$state/etc/qemu/networks/autostart" "$state/etc/storage/autostart"
  # QEMU's own output goes to a file, not to virtlogd (whose socket is the
  # main host's, hidden here). QEMU stays in the host's mount namespace
  # (no per-domain one), which is how stop finds it once the daemon is gone.
  printf 'stdio_handler = "file"\nnamespaces = []\n' >"$state/etc/qemu.conf"
  cat >"$state/etc/libvirtd.conf" <<CONF
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "${port}"
auth_tcp = "none"
unix_sock_dir = "/run/libvirt"
CONF
  # The holder makes the namespace, mounts the private trees, starts the
  # daemon in the foreground and restarts nothing: once killed, the host is lost.
  cat >"$state/inside.sh" <<'INSIDE'
set -eu
state=$1
for dir in /var/lib/libvirt /var/cache /run/libvirt /var/log/libvirt /tmp /var/tmp /work; do
  mkdir -p "$dir"
  mount -t tmpfs -o mode=0755 kmx-test-host "$dir"
done
chmod 1777 /tmp /var/tmp
mkdir -p /var/lib/libvirt/qemu /var/lib/libvirt/images /var/cache/libvirt/qemu /var/log/libvirt/qemu
mount --bind "$state/etc" /etc/libvirt
readlink /proc/self/ns/mnt >"$state/mntns"
libvirtd --listen -f /etc/libvirt/libvirtd.conf -p /run/libvirt/libvirtd.pid >"$state/libvirtd.log" 2>&1 &
echo $! >"$state/daemon.pid"
wait
INSIDE
  setsid unshare --mount --propagation private bash "$state/inside.sh" "$state" </dev/null >"$state/holder.log" 2>&1 &
  echo $! >"$state/holder.pid"
  for _ in $(seq 1 60); do
    if answers; then echo "$uri"; return; fi
    sleep 0.5
  done
  echo "remote-test-host: libvirtd did not answer on $uri within 30 s; its log:" >&2
  cat "$state/libvirtd.log" "$state/holder.log" >&2 2>/dev/null || true
  exit 1
}

kill_daemon() {
  [[ -s $state/daemon.pid ]] || die "no test host running; fix: ci/remote-test-host.sh start"
  kill -9 "$(cat "$state/daemon.pid")" 2>/dev/null || true
  echo "killed the test host's libvirtd; its QEMUs stay until: ci/remote-test-host.sh stop"
}

stop_all() {
  local pids
  pids=$(namespace_pids)
  [[ -s $state/holder.pid ]] && pids="$pids $(cat "$state/holder.pid")"
  # shellcheck disable=SC2086
  [[ -n ${pids// /} ]] && kill -9 $pids 2>/dev/null || true
  rm -f "$state/holder.pid" "$state/daemon.pid" "$state/mntns"
  [[ ${1:-} == quiet ]] || echo "test host stopped"
}

case ${1:-} in
  start) start ;;
  uri) answers && echo "$uri" || die "no test host answers on $uri; fix: ci/remote-test-host.sh start" ;;
  kill-daemon) kill_daemon ;;
  stop) stop_all ;;
  status)
    if answers; then echo "running: $uri ($(namespace_pids | wc -l) processes)"; else echo "not running"; fi
    ;;
  *) die "usage: ci/remote-test-host.sh start|uri|kill-daemon|stop|status [PORT]" ;;
esac
