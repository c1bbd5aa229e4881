#!/usr/bin/env bash
# Prepare a Debian 12 host for kmod-matrix: apt suites (pinned low), build and
# runtime packages, the libvirt user, and the libvirt daemons (no systemd here).
# Idempotent: every step checks before it acts.
set -euo pipefail

log() { printf '[setup] %s\n' "$*"; }
export DEBIAN_FRONTEND=noninteractive

configure_apt_suites() {
  local list=/etc/apt/sources.list.d/kmod-matrix.sources
  local pin=/etc/apt/preferences.d/kmod-matrix-pin
  if [[ ! -f $list ]]; then
    log "adding bookworm deb-src, bookworm-backports, trixie and sid (pinned low)"
    cat >"$list" <<'SOURCES'
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
  fi
  if [[ ! -f $pin ]]; then
    # Foreign suites are only ever downloaded from, never installed from.
    cat >"$pin" <<'PIN'
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
  fi
}

BUILD_PACKAGES=(
  cmake g++ make pkg-config ninja-build clang-format
  libvirt-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  libboost-dev libboost-filesystem-dev libgtest-dev libgmock-dev
  libcli11-dev nlohmann-json3-dev libsqlite3-dev libarchive-dev libssl-dev
  # kmod built from Debian source: autotools (<= 33) and meson (>= 34)
  autoconf automake libtool meson liblzma-dev libzstd-dev patch
  # libFuzzer targets (ci/fuzz.sh): clang with its sanitizer and fuzzer runtimes
  clang-14 libclang-rt-14-dev
)
RUNTIME_PACKAGES=(
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86
  busybox-static bash libcap2-bin cpio xz-utils zstd kmod dpkg-dev
  gcc libelf-dev bc flex bison
  # kernels built from source (bisect steps, source kernels): images/build-kernel.sh
  # compiles through ccache when it is there, so revisited commits cost little.
  ccache
  # pahole: a build tree prepared from linux-source keeps CONFIG_DEBUG_INFO_BTF,
  # which shapes struct module (Debian 7.x, whose own headers need a newer libc).
  dwarves
  # Integration tests hand reports to real consumers: JUnit (junitparser),
  # KCIDB and results.json (jsonschema), CI templates (yaml), HTML (chromium).
  python3 python3-junitparser python3-jsonschema python3-yaml chromium
)

install_packages() {
  local missing=()
  for p in "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "all packages present"
    # apt-get download of guest kernels needs current lists.
    [[ -n "$(ls /var/lib/apt/lists/*_dists_sid_* 2>/dev/null)" ]] || apt-get update -qq
  fi
}

ensure_libvirt_user() {
  # libvirt-daemon-system normally creates these; it is not installed because
  # it wants systemd.
  getent group kvm >/dev/null || groupadd --system kvm
  getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
  if ! getent passwd libvirt-qemu >/dev/null; then
    useradd --system --gid kvm --groups libvirt-qemu --home-dir /var/lib/libvirt \
      --no-create-home --shell /usr/sbin/nologin libvirt-qemu
  fi
  # udev would give /dev/kvm to group kvm. Without it libvirt sees KVM as
  # unusable for its qemu user, judges its capability cache stale on every
  # domain start and re-probes QEMU: ~48 s per VM measured here.
  if [[ -c /dev/kvm ]]; then chgrp kvm /dev/kvm && chmod 660 /dev/kvm; fi
  mkdir -p /var/lib/libvirt/qemu /var/log/libvirt/qemu /var/cache/libvirt/qemu /run/libvirt
}

daemon_answers() { timeout 20 virsh -c qemu:///system version >/dev/null 2>&1; }

start_libvirt() {
  if daemon_answers; then log "libvirtd answers"; return; fi
  pgrep -x virtlogd >/dev/null || { log "starting virtlogd"; virtlogd -d; }
  pgrep -x libvirtd >/dev/null || { log "starting libvirtd"; libvirtd -d; }
  for _ in $(seq 1 30); do daemon_answers && { log "libvirtd answers"; return; }; sleep 1; done
  log "libvirtd did not answer on qemu:///system within 30 s"; exit 1
}

main() {
  [[ $(id -u) == 0 ]] || { echo "setup-host.sh must run as root (apt, libvirtd)" >&2; exit 2; }
  configure_apt_suites
  install_packages
  ensure_libvirt_user
  start_libvirt
}
main "$@"
