#!/usr/bin/env bash
# Prepares a Debian 12 host for kmod-matrix: apt suites (pinned low), packages,
# the libvirt user and /dev/kvm, the libvirt daemons (there may be no
# systemd). Idempotent: every step checks before it acts. What it changes is
# recorded, so --undo can reverse it. The Debian package installs this file
# and `kmod-matrix setup-host` runs it with --packages=none.
#
#   setup-host.sh [--packages=test]  from a checkout (ci/test.sh): packages to
#                                    build, test and run kmod-matrix
#   setup-host.sh --packages=run     the first command (ci/setup-and-run.sh):
#                                    to build and run it, no test tools
#   setup-host.sh --packages=none    the installed package: its Depends and
#                                    Recommends are the packages
#   setup-host.sh --undo             removes the apt source and pin files and
#                                    the apt lists they brought, the accounts
#                                    it created, gives /dev/kvm back its owner
#                                    and mode, stops the daemons it started;
#                                    lists the packages it installed
#
# KMX_SETUP_ROOT=DIR (for tests): files are read and written under DIR, and
# commands that would change the running system are printed instead.
set -euo pipefail

root=${KMX_SETUP_ROOT:-}
sources=/etc/apt/sources.list.d/kmod-matrix.sources
pin=/etc/apt/preferences.d/kmod-matrix-pin
changes=/var/lib/kmod-matrix/setup-host.changes

log() { printf '[setup] %s\n' "$*"; }
export DEBIAN_FRONTEND=noninteractive

# act CMD...: runs a command that changes the running system (printed only
# under KMX_SETUP_ROOT).
act() {
  if [[ -n $root ]]; then log "would run: $*"; else "$@"; fi
}

# record LINE: one change, for --undo (each line once).
record() {
  mkdir -p "$(dirname "$root$changes")"
  grep -qxF -- "$*" "$root$changes" 2>/dev/null || echo "$*" >>"$root$changes"
}

configure_apt_suites() {
  if [[ ! -f $root$sources ]]; then
    log "adding bookworm deb-src, bookworm-backports, trixie and sid (pinned low)"
    mkdir -p "$(dirname "$root$sources")"
    cat >"$root$sources" <<'SOURCES'
# Added by kmod-matrix setup-host (kernels of other Debian releases, kmod
# sources); removed by `kmod-matrix setup-host --undo`.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm-backports trixie sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    record "file $sources"
  fi
  if [[ ! -f $root$pin ]]; then
    mkdir -p "$(dirname "$root$pin")"
    # Foreign suites are only ever downloaded from, never installed from.
    cat >"$root$pin" <<'PIN'
# Added by kmod-matrix setup-host; removed by `kmod-matrix setup-host --undo`.
Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100

Package: *
Pin: release n=trixie
Pin-Priority: 50

Package: *
Pin: release n=sid
Pin-Priority: 40
PIN
    record "file $pin"
  fi
}

# To build kmod-matrix (the Debian package's Build-Depends).
BUILD_PACKAGES=(
  cmake g++ make pkg-config ninja-build dpkg-dev
  libvirt-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  libboost-dev libboost-filesystem-dev
  libcli11-dev nlohmann-json3-dev libsqlite3-dev libarchive-dev libssl-dev
)
# To run it: exactly the Debian package's Depends and Recommends
# (debian_control_test checks the two lists agree).
RUNTIME_PACKAGES=(
  # Depends: libvirt and QEMU, what goes into an image (busybox, capsh, kmod),
  # Debian kernels (apt, xz, zstd) and the test modules built against them.
  apt binutils busybox-static gcc kmod libcap2-bin libvirt-clients libvirt-daemon
  libvirt-daemon-driver-qemu make qemu-system-x86 xz-utils zstd
  # Recommends: kmod built from Debian source or git (autotools up to 33,
  # meson from 34; apt-get source needs dpkg-dev), kernels and module build
  # trees from linux-source (pahole for CONFIG_DEBUG_INFO_BTF, which shapes
  # struct module), bisect's git; images/build-kernel.sh compiles through
  # ccache when it is there, so revisited commits cost little.
  autoconf automake bc bison ccache dpkg-dev dwarves flex git libc6-dev libelf-dev
  liblzma-dev libssl-dev libtool libzstd-dev meson ninja-build patch pkg-config
)
# To test it (ci/test.sh): GoogleTest, the format check, libFuzzer (clang with
# its sanitizer and fuzzer runtimes), the package build and lintian, and the
# real consumers integration tests hand reports to: JUnit (junitparser),
# KCIDB and results.json (jsonschema), CI templates (yaml), HTML (chromium).
TEST_PACKAGES=(
  libgtest-dev libgmock-dev clang-format clang-14 libclang-rt-14-dev cpio
  debhelper lintian
  python3 python3-junitparser python3-jsonschema python3-yaml chromium
)

# Foreign kernels are downloaded from the suites above: their lists must
# exist, and be current when packages are installed.
lists_updated=0
update_apt_lists() {
  ((lists_updated)) && return
  log "apt-get update"
  act apt-get update -qq
  lists_updated=1
}

install_packages() {
  local wanted=() missing=() p
  case $1 in
    none) return ;;
    run) wanted=("${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}") ;;
    test) wanted=("${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  esac
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then log "all packages present"; return; fi
  update_apt_lists
  log "installing: ${missing[*]}"
  act apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  record "packages ${missing[*]}"
}

ensure_libvirt_user() {
  # libvirt-daemon-system normally creates these; it is not installed because
  # it wants systemd.
  local g
  for g in kvm libvirt-qemu; do
    if ! getent group "$g" >/dev/null; then act groupadd --system "$g" && record "group $g"; fi
  done
  if ! getent passwd libvirt-qemu >/dev/null; then
    act useradd --system --gid kvm --groups libvirt-qemu --home-dir /var/lib/libvirt \
      --no-create-home --shell /usr/sbin/nologin libvirt-qemu
    record "user libvirt-qemu"
  fi
  # udev would give /dev/kvm to group kvm. Without it libvirt sees KVM as
  # unusable for its qemu user, judges its capability cache stale on every
  # domain start and re-probes QEMU: ~48 s per VM measured here.
  if [[ -c /dev/kvm ]] && [[ "$(stat -c '%G %a' /dev/kvm)" != "kvm 660" ]]; then
    grep -q '^device /dev/kvm ' "$root$changes" 2>/dev/null || record "device /dev/kvm $(stat -c '%G %a' /dev/kvm)"
    act chgrp kvm /dev/kvm
    act chmod 660 /dev/kvm
  fi
  act mkdir -p /var/lib/libvirt/qemu /var/log/libvirt/qemu /var/cache/libvirt/qemu /run/libvirt
}

daemon_answers() { timeout 20 virsh -c qemu:///system version >/dev/null 2>&1; }

start_libvirt() {
  if daemon_answers; then log "libvirtd answers"; return; fi
  local d
  for d in virtlogd libvirtd; do
    if ! pgrep -x "$d" >/dev/null; then
      log "starting $d"
      act "$d" -d
      record "daemon $d"
    fi
  done
  [[ -z $root ]] || return 0
  for _ in $(seq 1 30); do daemon_answers && { log "libvirtd answers"; return; }; sleep 1; done
  log "libvirtd did not answer on qemu:///system within 30 s"; exit 1
}

# Reverses what $changes records, newest first; the apt files go in any case
# (their names are kmod-matrix's), and with them the lists they brought.
undo() {
  local w leftover=()
  if [[ -f $root$changes ]]; then
    while read -r -a w; do
      case ${w[0]} in
        daemon)
          # Started with -d, each writes /run/<name>.pid.
          if [[ -s $root/run/${w[1]}.pid ]]; then
            log "stopping ${w[1]}"
            act kill "$(cat "$root/run/${w[1]}.pid")" || true
          fi ;;
        device)
          if [[ -n $root || -c ${w[1]} ]]; then
            log "giving ${w[1]} back to group ${w[2]}, mode ${w[3]}"
            act chgrp "${w[2]}" "${w[1]}"
            act chmod "${w[3]}" "${w[1]}"
          fi ;;
        user) log "removing user ${w[1]}"; act userdel "${w[1]}" || true ;;
        group) log "removing group ${w[1]}"; act groupdel "${w[1]}" || true ;;
        packages) leftover+=("${w[@]:1}") ;;
        file) ;;
        *) log "ignoring a line of $changes it does not know: ${w[*]}" ;;
      esac
    done < <(tac "$root$changes")
  fi
  local removed=0 f
  for f in "$sources" "$pin"; do
    if [[ -f $root$f ]]; then log "removing $f"; rm -f "$root$f"; removed=1; fi
  done
  if ((removed)); then
    log "apt-get update (forgetting bookworm-backports, trixie and sid)"
    act apt-get update -qq
  fi
  rm -f "$root$changes"
  if ((${#leftover[@]})); then
    log "packages setup-host installed are still installed; to remove them: apt-get purge ${leftover[*]}"
  fi
  log "undone"
}

main() {
  local packages=test do_undo=0 arg
  for arg in "$@"; do
    case $arg in
      --packages=none | --packages=run | --packages=test) packages=${arg#--packages=} ;;
      --undo) do_undo=1 ;;
      *) echo "setup-host: unknown argument '$arg'; usage: setup-host.sh [--packages=none|run|test] [--undo]" >&2; exit 2 ;;
    esac
  done
  if [[ -z $root && $(id -u) != 0 ]]; then
    echo "setup-host: must run as root (apt, accounts, libvirtd); fix: run it with sudo" >&2
    exit 2
  fi
  if ((do_undo)); then undo; return; fi
  configure_apt_suites
  [[ -n "$(ls "$root"/var/lib/apt/lists/*_dists_sid_* 2>/dev/null)" ]] || update_apt_lists
  install_packages "$packages"
  ensure_libvirt_user
  start_libvirt
}
main "$@"
