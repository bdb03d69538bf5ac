#!/usr/bin/env bash
# Builds the release archive: dist/trailproof-VERSION-linux-ARCH.tar.gz and its .sha256.
#
#   bin/trailproof                                   release build, Swift runtime linked statically
#   share/man/man1/trailproof*.1                     a page per subcommand (argument-parser's generate-manual plugin)
#   share/bash-completion/completions/trailproof     bash completion
#   share/zsh/site-functions/_trailproof             zsh completion
#   share/fish/vendor_completions.d/trailproof.fish  fish completion
#   share/doc/trailproof/README.md
#
# Install by unpacking into a prefix: tar -xzf ARCHIVE -C ~/.local --strip-components 1.
# Names are sorted and owners and times fixed in the archive. Nothing is
# left in dist/ unless the whole archive and its checksum were written.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The plugin builds the package in release mode and writes a page per subcommand.
swift package generate-manual --multi-page >"$stage/manual.log" 2>&1 || { cat "$stage/manual.log" >&2; exit 1; }
manuals=.build/plugins/GenerateManual/outputs/trailproof
# The shipped binary is built after it (the plugin's build links the runtime dynamically).
tp=$(bash .ci/build-release.sh)

version=$("$tp" --version | awk '{print $2}')
commit=$("$tp" --version | sed -n 's/.*(commit \([0-9a-f]*\).*/\1/p')
[ -n "$commit" ] || { echo "package: the build did not record its commit (not a git checkout?)" >&2; exit 1; }
if "$tp" --version | grep -q -- '-dirty'; then
    echo "package: warning: the working tree has uncommitted changes; --version says -dirty" >&2
fi
name="trailproof-$version-linux-$(uname -m)"
root="$stage/$name"
mkdir -p "$root/bin" "$root/share/man/man1" "$root/share/bash-completion/completions" \
    "$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d" "$root/share/doc/trailproof"
install -m 755 "$tp" "$root/bin/trailproof"
strip "$root/bin/trailproof"
install -m 644 "$manuals"/*.1 "$root/share/man/man1/"
"$tp" --generate-completion-script bash > "$root/share/bash-completion/completions/trailproof"
"$tp" --generate-completion-script zsh > "$root/share/zsh/site-functions/_trailproof"
"$tp" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/trailproof.fish"
install -m 644 README.md "$root/share/doc/trailproof/README.md"

mtime=$(git log -1 --format=%ct)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -C "$stage" -cf - "$name" | gzip -n -9 > "$stage/$name.tar.gz"
(cd "$stage" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
mkdir -p dist
mv "$stage/$name.tar.gz" "dist/$name.tar.gz.partial"
mv "$stage/$name.tar.gz.sha256" "dist/$name.tar.gz.sha256.partial"
mv "dist/$name.tar.gz.partial" "dist/$name.tar.gz"
mv "dist/$name.tar.gz.sha256.partial" "dist/$name.tar.gz.sha256"
echo "dist/$name.tar.gz"
