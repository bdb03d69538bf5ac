#!/usr/bin/env bash
# Validates CHAINS chains of one trail at once (one per region, HOURS hours of LOGS_PER_HOUR small
# log files each) in a local store with --all-regions, and prints the time and peak RSS, with and
# without a JSON report. Fails if a timed run fails or does not report every digest valid.
#
#   bash bench/validate-many-chains.sh [CHAINS] [HOURS] [LOGS_PER_HOUR]     (default: 20 24 12)
set -euo pipefail
cd "$(dirname "$0")/.."
chains=${1:-20}
hours=${2:-24}
per_hour=${3:-12}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source .ci/setup.sh
tp=$(bash .ci/build-release.sh 2>"$work/build.log") || { cat "$work/build.log" >&2; exit 1; }
keys=keys/test-keyring
python3 - "$work/doc.json" <<'PY'
import json, sys
records = [{"eventVersion": "1.09", "eventTime": "2026-07-01T00:00:%02dZ" % (i % 60), "eventSource": "s3.amazonaws.com",
            "eventName": "GetObject", "awsRegion": "us-east-1", "requestParameters": {"bucketName": "data", "key": "k/%06d" % i}}
           for i in range(50)]
json.dump({"Records": records}, open(sys.argv[1], "w"))
PY
end=$(date -u -d "2026-07-01 00:00:00 UTC + $hours hours" +%Y-%m-%dT%H:%M:%SZ)
for ((chain = 0; chain < chains; chain++)); do
    region="bench-$chain"
    location="--store $work/store --bucket bench-chains --account-id 111122223333 --region $region"
    for ((hour = 0; hour < hours; hour++)); do
        files=()
        for ((i = 0; i < per_hour; i++)); do files+=("$work/doc.json"); done
        $tp deliver $location --at "$(date -u -d "2026-07-01 00:30:00 UTC + $hour hours" +%Y-%m-%dT%H:%M:%SZ)" "${files[@]}" >/dev/null
    done
    $tp digest $location --trail-name bench-trail --home-region us-east-1 --keyring $keys --until "$end" >/dev/null
done
arguments=(--store "$work/store" --public-keys "$keys/public-keys.json" --trail-arn arn:aws:cloudtrail:us-east-1:111122223333:trail/bench-trail
    --start-time 2026-07-01T00:00:00Z --end-time "$end" --s3-bucket bench-chains --region bench-0 --all-regions)
expected="$((chains * hours))/$((chains * hours)) digest files valid"
measure() {
    if ! /usr/bin/time -f "%e %M" -o "$work/time" "$tp" validate-logs "${arguments[@]}" "$@" > "$work/out" 2>&1; then
        echo "bench: validate-logs $* failed" >&2
        tail -20 "$work/out" >&2
        exit 1
    fi
    read -r seconds kilobytes < "$work/time"
    printf '%-40s %6.2f s   %4d MB peak RSS\n' "validate-logs --all-regions $*" "$seconds" "$((kilobytes / 1024))"
}
printf '%d chains x %d hours x %d log files (%d logs), %d cores, release build\n' "$chains" "$hours" "$per_hour" \
    "$((chains * hours * per_hour))" "$(nproc)"
measure
grep -q "$expected" "$work/out" || { echo "bench: expected $expected" >&2; tail -5 "$work/out" >&2; exit 1; }
measure --output json
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['chains']) == int(sys.argv[2]), len(d['chains'])" "$work/out" "$chains"
