#!/usr/bin/env bash
# Configure and build kmod-matrix into build/ (the host must be set up first).
#
#   ci/build.sh             everything: the binary, the agent, tests, benchmarks
#   ci/build.sh --run-only  what a run needs: the binary, the agent and the man
#                           page (KMX_BUILD_TESTS=OFF: 146 of the 260 build steps)
#
# Compiled with Debian's build flags, as debian/rules compiles the package
# (dpkg-buildflags under the same DEB_BUILD_MAINT_OPTIONS): the tests test
# the objects the package ships, and ccache (when installed) serves the
# package build (ci/package.sh) from this one.
set -euo pipefail
cd "$(dirname "$0")/.."
tests=ON
case ${1:-} in
  "") ;;
  --run-only) tests=OFF ;;
  *) echo "build: unknown argument '$1'; usage: ci/build.sh [--run-only]" >&2; exit 2 ;;
esac
command -v dpkg-buildflags >/dev/null || { echo "build: dpkg-buildflags is missing; fix: apt-get install dpkg-dev" >&2; exit 2; }
DEB_BUILD_MAINT_OPTIONS=$(sed -n 's/^export DEB_BUILD_MAINT_OPTIONS = //p' debian/rules)
export DEB_BUILD_MAINT_OPTIONS
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # As ci/package.sh: build/ and build-deb/ share objects. ccache hashes the
  # locale, and debhelper builds with LC_ALL=C.UTF-8.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=1 LC_ALL=C.UTF-8
fi
# debhelper's cmake build adds CPPFLAGS to CXXFLAGS (CMake ignores CPPFLAGS).
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_FLAGS="$(dpkg-buildflags --get CXXFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
  -DCMAKE_EXE_LINKER_FLAGS="$(dpkg-buildflags --get LDFLAGS)" \
  -DKMX_BUILD_TESTS="$tests" "${launcher[@]}" >/dev/null
cmake --build build -j "$(nproc)"
