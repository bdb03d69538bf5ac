#!/usr/bin/env bash
# The test command: sets up, builds with no warnings allowed in the project's own code, checks
# formatting, and runs every test (the aws-cli parity tests need ../shared beside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh

[ -f ../shared/interop/awscli_validate.py ] || { echo "test: ../shared (the aws-cli oracle and test vectors) must be beside the repository" >&2; exit 1; }

build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
swift build --build-tests 2>&1 | tee "$build_log"
own_warnings=$(grep -E "^$(pwd)/(Sources|Tests)/.*warning:" "$build_log" | sort -u || true)
if [ -n "$own_warnings" ]; then
    echo "test: the build warns in the project's own code:" >&2
    echo "$own_warnings" >&2
    exit 1
fi

swift format lint --strict --recursive Sources Tests

# Swift Testing's per-test "started" lines are dropped for readability; its status decides.
set +e
swift test --skip-build 2>&1 | grep --line-buffered -v '^◇ '
status=${PIPESTATUS[0]}
set -e
exit "$status"
