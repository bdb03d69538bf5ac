#!/usr/bin/env bash
# Sets up a fresh machine, builds trailproof and runs its demo on built-in sample data.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh
swift build --product trailproof
.build/debug/trailproof demo
