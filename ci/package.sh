#!/usr/bin/env bash
# Builds the Debian package and checks it with lintian.
#
# dpkg-buildpackage -b -us -uc runs debian/rules: the binary, the static agent,
# the man page and bash completion (KMX_BUILD_TESTS=OFF), with Debian's
# build flags, which ci/build.sh uses too: run after it, ccache (when
# installed) serves every object from build/ and only installation.cc and the
# links are new. The .deb, its -dbgsym, .buildinfo and .changes (written
# beside the checkout) are moved to build-packages/, with lintian's report.
# Exits 1 when lintian reports an error; its warnings are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in dpkg-buildpackage dh lintian; do
  command -v "$tool" >/dev/null || { echo "package: $tool is missing; fix: bash ci/setup-host.sh" >&2; exit 2; }
done
version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
out=build-packages
rm -rf "$out"
mkdir -p "$out"
if command -v ccache >/dev/null; then
  # build/ and build-deb/ are at the same depth: with the directory not
  # hashed, their objects are the same to ccache (ci/build.sh sets the same).
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=1
  # debhelper gives the build a HOME of its own: name the cache (and its size
  # and sloppiness) the user's ccache uses, or every package build is cold.
  CCACHE_DIR=$(ccache -k cache_dir) CCACHE_MAXSIZE=$(ccache -k max_size) CCACHE_SLOPPINESS=$(ccache -k sloppiness)
  export CCACHE_DIR CCACHE_MAXSIZE CCACHE_SLOPPINESS
fi
dpkg-buildpackage -b -us -uc -jauto
for f in "../kmod-matrix_${version}_${arch}".{deb,buildinfo,changes} "../kmod-matrix-dbgsym_${version}_${arch}.deb"; do
  if [[ -f $f ]]; then mv "$f" "$out/"; fi
done
echo "package: $out/kmod-matrix_${version}_${arch}.deb"
lintian --fail-on error --info "$out/kmod-matrix_${version}_${arch}.changes" | tee "$out/lintian.txt"
