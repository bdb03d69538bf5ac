#!/usr/bin/env bash
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address over the library's sources, less
# what needs AsyncHTTPClient: the S3 store, its configuration and the credential providers) and runs each for SECONDS (default 60) from its seed corpus
# in testdata/fuzz/TARGET. Fails when a target crashes; the input is kept in .build-fuzz/crashes.
#   bash fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(DigestParser GzipInflater PublicKeyList S3ResponseXML LogRecordScanner)
if ! command -v swiftc >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swiftc ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi
out=.build-fuzz
mkdir -p "$out/crashes"
flags=(-swift-version 6 -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
       -I Sources/COpenSSLCrypto -I Sources/CZlib -I "$out/CBuildInfo" -I "$out/CSystemCalls" -sanitize=fuzzer,address -g -Onone)
sources=$(find Sources/TrailProof -name '*.swift' ! -name S3Store.swift ! -name S3Configuration.swift ! -path '*/Storage/Credentials/*' | sort)
echo "fuzz: building the library and ${#targets[@]} targets (log: $out/build.log)"
build() { "$@" >> "$out/build.log" 2>&1 || { grep -v "Cannot export local symbol" "$out/build.log" | tail -40 >&2; exit 1; }; }
: > "$out/build.log"
# The library's own C targets (the build's commit; openat2 for the local store): a module map
# for swiftc, and the object.
c_target() {  # NAME BASENAME: Sources/NAME/BASENAME.c with include/BASENAME.h
    mkdir -p "$out/$1"
    printf 'module %s {\n    header "%s/Sources/%s/include/%s.h"\n    export *\n}\n' "$1" "$(pwd)" "$1" "$2" > "$out/$1/module.modulemap"
    build clang -c "Sources/$1/$2.c" -I "Sources/$1/include" -o "$out/$2.o"
}
c_target CBuildInfo build_info
c_target CSystemCalls system_calls
# shellcheck disable=SC2086
build swiftc "${flags[@]}" -parse-as-library -enable-testing -emit-library -static -emit-module -module-name TrailProof \
    -emit-module-path "$out/TrailProof.swiftmodule" -o "$out/libTrailProof.a" $sources
for target in "${targets[@]}"; do
    build swiftc "${flags[@]}" -parse-as-library -I "$out" -L "$out" -lTrailProof "fuzz/$target.swift" "$out/build_info.o" "$out/system_calls.o" \
        -lswiftSynchronization -lcrypto -lz -o "$out/$target"
done
status=0
run_one() {
    local target=$1 corpus="$out/corpus/$1"
    mkdir -p "$corpus"
    cp -n testdata/fuzz/"$target"/* "$corpus"/ 2>/dev/null || true
    if "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -detect_leaks=0 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$target-" "$corpus" > "$out/$target.log" 2>&1; then
        echo "fuzz: $target: no crash in ${seconds}s ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$out/$target.log" | grep -o '[0-9]*$') runs)"
    else
        echo "fuzz: $target: CRASH; input kept in $out/crashes/" >&2
        grep -a -E "ERROR|SUMMARY|Fatal|error|==[0-9]+==" "$out/$target.log" | cut -c1-300 | tail -40 >&2
        return 1
    fi
}
# Two at a time: the machine has two cores.
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    pids=()
    for target in "${targets[@]:i:2}"; do run_one "$target" & pids+=($!); done
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
done
exit $status
