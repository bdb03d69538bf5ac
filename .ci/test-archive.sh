#!/usr/bin/env bash
# Checks a release archive as a user would meet it: the checksum matches; unpacked into a
# temporary prefix, the binary needs no Swift library, runs from any folder, names its version
# and commit, and runs the demo; every subcommand has a man page; the completions load.
#
#   bash .ci/test-archive.sh dist/trailproof-VERSION-linux-ARCH.tar.gz
set -euo pipefail
archive=$(realpath "$1")
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "archive test: $*" >&2; exit 1; }

(cd "$(dirname "$archive")" && sha256sum --quiet -c "$(basename "$archive").sha256") || fail "checksum does not match"
tar -xzf "$archive" -C "$prefix" --strip-components 1
tp="$prefix/bin/trailproof"
[ -x "$tp" ] || fail "bin/trailproof missing"

# Only the C library, the GCC runtime, libcrypto and zlib.
libraries=$(ldd "$tp" | awk '{print $1}' | sed 's#.*/##')
for library in $libraries; do
    case $library in
        linux-vdso.so.*|ld-linux*|libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|librt.so.*|libutil.so.*|libstdc++.so.*|libgcc_s.so.*|libcrypto.so.3|libz.so.1) ;;
        *) fail "bin/trailproof needs $library" ;;
    esac
done

cd /
commit=$(git -C "$OLDPWD" rev-parse HEAD 2>/dev/null || true)
version_line=$("$tp" --version)
[[ $version_line =~ ^trailproof\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ [0-9a-f]{40}(-dirty)?\)$ ]] || fail "--version printed: $version_line"
[ -z "$commit" ] || [[ $version_line == *"$commit"* ]] || fail "--version names another commit than $commit: $version_line"

demo=$(env -i PATH=/usr/bin:/bin HOME="$prefix" TMPDIR="$prefix" "$tp" demo) || fail "the demo failed: $demo"
grep -q "INVALID" <<<"$demo" || fail "the demo did not show what it caught"
leftovers=$(find "$prefix" -maxdepth 1 -name 'trailproof-demo-*')
[ -z "$leftovers" ] || fail "the demo left $leftovers"

# A man page per subcommand, each a real page.
subcommands=$("$tp" --experimental-dump-help | python3 -c '
import json, sys
def walk(command, path):
    yield path
    for sub in command.get("subcommands", []):
        yield from walk(sub, path + [sub["commandName"]])
print("\n".join(".".join(p) for p in walk(json.load(sys.stdin)["command"], ["trailproof"])))')
for page in $subcommands; do
    file="$prefix/share/man/man1/$page.1"
    [ -s "$file" ] && grep -q '^\.Dt' "$file" || fail "no man page $page.1"
done

bash -c "source '$prefix/share/bash-completion/completions/trailproof' && complete -p trailproof" >/dev/null \
    || fail "the bash completion does not load"
grep -q '#compdef trailproof' "$prefix/share/zsh/site-functions/_trailproof" || fail "the zsh completion is not one"
grep -q "^complete -c 'trailproof'" "$prefix/share/fish/vendor_completions.d/trailproof.fish" || fail "the fish completion is not one"
echo "archive test: $(basename "$archive") passed ($version_line; $(echo "$subcommands" | wc -l) man pages)"
