#!/usr/bin/env bash
# Records the git commit being built (with "-dirty" when tracked files differ from it) in
# Sources/CBuildInfo/generated/build_commit.h, which git ignores, so that `trailproof --version`
# names it. The file is rewritten only when its content changes, so nothing rebuilds needlessly.
# Sourced by .ci/setup.sh; outside a git checkout it records nothing.
record_commit() {
    local root header commit content
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    header="$root/Sources/CBuildInfo/generated/build_commit.h"
    commit=$(git -C "$root" rev-parse --verify --quiet HEAD 2>/dev/null) || { rm -f "$header"; return 0; }
    git -C "$root" diff --quiet HEAD -- 2>/dev/null || commit="$commit-dirty"
    content="#define TRAILPROOF_BUILD_COMMIT \"$commit\""
    if [ "$(cat "$header" 2>/dev/null)" != "$content" ]; then
        mkdir -p "$(dirname "$header")"
        printf '%s\n' "$content" > "$header.tmp.$$" && mv "$header.tmp.$$" "$header"
    fi
}
record_commit
