#!/usr/bin/env bash
# Builds trailproof as it ships: release, Swift standard library and Foundation linked
# statically (the binary needs only glibc, the GCC runtime, libcrypto and zlib), the commit
# recorded for --version. Prints the binary's path on stdout; the build log goes to stderr.
# The release archive (.ci/package.sh) and the benchmarks use this build.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh >&2
swift build -c release --static-swift-stdlib --product trailproof >&2
echo "$(pwd)/.build/release/trailproof"
