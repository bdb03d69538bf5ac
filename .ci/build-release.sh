#!/usr/bin/env bash
# Builds trailproof as it ships: release, Swift standard library and Foundation linked
# statically (the binary needs only glibc, the GCC runtime, libcrypto and zlib), the commit
# recorded for --version. Prints the binary's path on stdout; the build log goes to stderr.
# The release archive (.ci/package.sh) and the benchmarks use this build.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh >&2
# libstdc++ linked statically too (see releaseLinking in Package.swift), when the system has it.
libstdcxx=$(gcc -print-file-name=libstdc++.a 2>/dev/null || true)
mkdir -p .build/static-libstdcxx
if [ -f "$libstdcxx" ]; then
    ln -sfn "$libstdcxx" .build/static-libstdcxx/libstdc++.a
else
    echo "build-release: no libstdc++.a (libstdc++-dev); libstdc++ stays a shared library" >&2
fi
# --disable-build-manifest-caching: another release build (the manual plugin's, in .ci/package.sh)
# leaves a cached build plan that links the Swift runtime dynamically, and swift build would reuse
# it, relinking that binary instead of this one.
swift build -c release --static-swift-stdlib --disable-build-manifest-caching --product trailproof >&2
echo "$(pwd)/.build/release/trailproof"
