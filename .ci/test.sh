#!/usr/bin/env bash
# The test command: sets up, builds with no warnings allowed in the project's own code, checks
# formatting, runs every test (the aws-cli parity tests need ../shared beside the repository), builds
# and checks the release archive, then runs each fuzz target for 60 s (TRAILPROOF_FUZZ_SECONDS).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh

[ -f ../shared/interop/awscli_validate.py ] || { echo "test: ../shared (the aws-cli oracle and test vectors) must be beside the repository" >&2; exit 1; }

build_log=$(mktemp)
servers=$(mktemp -d)
source .ci/seaweedfs.sh
stop_servers() {
    seaweedfs_stop "${stoppable_pid:-}"
    seaweedfs_stop
    rm -rf "$servers" "$build_log"
}
trap stop_servers EXIT
swift build --build-tests 2>&1 | tee "$build_log"
own_warnings=$(grep -E "^$(pwd)/(Sources|Tests)/.*warning:" "$build_log" | sort -u || true)
if [ -n "$own_warnings" ]; then
    echo "test: the build warns in the project's own code:" >&2
    echo "$own_warnings" >&2
    exit 1
fi

swift format lint --strict --recursive Sources Tests

# FoundationEssentials only in the library and the command (README, Design): Foundation would bring
# FoundationInternationalization and ICU's data back into the binary.
if grep -rnE "import Foundation([^A-Za-z]|$)" Sources; then
    echo "test: Sources import Foundation; import FoundationEssentials instead" >&2
    exit 1
fi

# Two SeaweedFS servers: one for the S3 tests, one that a test stops in the middle of a run.
seaweedfs_start "$servers/stoppable"
stoppable_pid=$SEAWEEDFS_PID
export TRAILPROOF_S3_STOPPABLE="$SEAWEEDFS_PID $TRAILPROOF_S3_ENDPOINT $TRAILPROOF_S3_ACCESS_KEY $TRAILPROOF_S3_SECRET_KEY"
seaweedfs_start "$servers/main"

# Swift Testing's per-test "started" lines are dropped for readability; its status decides.
set +e
swift test --skip-build 2>&1 | grep --line-buffered -v '^◇ '
status=${PIPESTATUS[0]}
# The release archive, built and checked as a user unpacks it, then used by the CI recipe's steps.
if archive=$(bash .ci/package.sh | tail -1) && bash .ci/test-archive.sh "$archive"; then
    bash .ci/test-ci-recipe.sh "$archive" || status=1
else
    status=1
fi
# The fuzz targets (libFuzzer), each for a bounded time from its seed corpus; a crash fails the run.
bash fuzz/run.sh "${TRAILPROOF_FUZZ_SECONDS:-60}" || status=1
set -e
exit "$status"
