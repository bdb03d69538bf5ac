#!/usr/bin/env bash
# Validates one trail in a SeaweedFS server on this machine directly and through a TCP proxy that
# adds DELAY ms each way (bench/latency_proxy.py; 10 and 40 by default), with trailproof and with
# the aws-cli oracle, and prints the times and ratios. Fails if any timed run does not exit 0.
# trailproof's times are the best of three runs (single runs of about 0.1 s on loopback read 0.09
# to 0.13 s, and the 10 ms ratio 1.6x to 2.1x), its peak RSS the largest of the three; aws-cli's
# runs take seconds and are timed once.
#
#   bash bench/validate-latency.sh [HOURS] [LOGS_PER_HOUR] [DELAYS]     (default: 24 12 "10 40")
#   AWSCLI=0 skips the oracle (for large trails); BUILD=debug times the debug build; TP_ARGS adds
#   trailproof options (e.g. "--jobs 128").
set -euo pipefail
cd "$(dirname "$0")/.."
hours=${1:-24}
per_hour=${2:-12}
delays=${3:-"10 40"}
work=$(mktemp -d)
source .ci/setup.sh
source .ci/seaweedfs.sh
proxies=()
cleanup() {
    for pid in "${proxies[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    seaweedfs_stop
    rm -rf "$work"
}
trap cleanup EXIT

if [ "${BUILD:-release}" = release ]; then
    tp=$(bash .ci/build-release.sh 2>"$work/build.log") || { cat "$work/build.log" >&2; exit 1; }
else
    swift build -c "$BUILD" --product trailproof >/dev/null
    tp=.build/$BUILD/trailproof
fi
keys=keys/test-keyring
seaweedfs_start "$work/server" >/dev/null
export AWS_ACCESS_KEY_ID=$TRAILPROOF_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$TRAILPROOF_S3_SECRET_KEY AWS_REGION=us-east-1

# A trail of HOURS hours with LOGS_PER_HOUR small log files (about 12 KB of JSON each), made
# locally and mirrored up.
python3 - "$work/doc.json" <<'PY'
import json, sys
records = [{"eventVersion": "1.09", "eventTime": "2026-05-01T00:00:%02dZ" % (i % 60), "eventSource": "s3.amazonaws.com",
            "eventName": "GetObject", "awsRegion": "us-east-1", "requestParameters": {"bucketName": "data", "key": "k/%06d" % i}}
           for i in range(75)]
json.dump({"Records": records}, open(sys.argv[1], "w"))
PY
location="--store $work/store --bucket bench-latency --account-id 111122223333 --region us-east-1"
start="2026-05-01T00:00:00Z"
for ((hour = 0; hour < hours; hour++)); do
    files=()
    for ((i = 0; i < per_hour; i++)); do files+=("$work/doc.json"); done
    at=$(python3 -c "import datetime,sys; print((datetime.datetime(2026,5,1)+datetime.timedelta(hours=$hour, minutes=30)).strftime('%Y-%m-%dT%H:%M:%SZ'))")
    $tp deliver $location --at "$at" "${files[@]}" >/dev/null
done
end=$(python3 -c "import datetime; print((datetime.datetime(2026,5,1)+datetime.timedelta(hours=$hours)).strftime('%Y-%m-%dT%H:%M:%SZ'))")
$tp digest $location --trail-name bench-trail --keyring $keys --until "$end" >/dev/null
python3 -c "
import os, boto3, botocore.config
boto3.client('s3', endpoint_url=os.environ['TRAILPROOF_S3_ENDPOINT'], config=botocore.config.Config(s3={'addressing_style': 'path'})).create_bucket(Bucket='bench-latency')"
$tp mirror --from "$work/store" --to s3 --bucket bench-latency --endpoint-url "$TRAILPROOF_S3_ENDPOINT" >/dev/null

arguments=(--public-keys "$keys/public-keys.json" --trail-arn arn:aws:cloudtrail:us-east-1:111122223333:trail/bench-trail
    --start-time "$start" --end-time "$end" --s3-bucket bench-latency)
expected="$hours/$hours digest files valid"
# Times one run in seconds; the run must exit 0 and report every digest valid.
timed() {
    local name=$1
    shift
    local began finished
    began=$(date +%s.%N)
    if ! /usr/bin/time -f "%M" -o "$work/rss" "$@" > "$work/out" 2>&1; then
        echo "bench: $name failed:" >&2
        tail -20 "$work/out" >&2
        exit 1
    fi
    finished=$(date +%s.%N)
    grep -q "$expected" "$work/out" || { echo "bench: $name did not report $expected" >&2; tail -20 "$work/out" >&2; exit 1; }
    echo "$finished - $began" | bc -l
}
rss() { echo "$(( $(tail -1 "$work/rss") / 1024 )) MB peak RSS"; }
# The best time of three runs of trailproof; $work/rss ends up with the largest peak RSS of them.
best_of_three() {
    local name=$1 best="" took peak=0
    shift
    for _ in 1 2 3; do
        took=$(timed "$name" "$@") || exit 1
        if [ -z "$best" ] || [ "$(echo "$took < $best" | bc -l)" = 1 ]; then best=$took; fi
        if [ "$(tail -1 "$work/rss")" -gt "$peak" ]; then peak=$(tail -1 "$work/rss"); fi
    done
    echo "$peak" > "$work/rss"
    echo "$best"
}
start_proxy() {  # starts a proxy adding $1 ms each way; sets endpoint
    python3 bench/latency_proxy.py --upstream "${TRAILPROOF_S3_ENDPOINT#http://}" --delay-ms "$1" --port-file "$work/port-$1" \
        > "$work/proxy-$1.log" 2>&1 &
    proxies+=($!)
    disown $!  # killed at exit; no "Killed" job notice in the figures
    for _ in $(seq 100); do [ -f "$work/port-$1" ] && break; sleep 0.05; done
    endpoint="http://127.0.0.1:$(cat "$work/port-$1")"
}

printf 'trail: %d hours x %d log files (%d logs), SeaweedFS %s, %d cores, %s build\n' "$hours" "$per_hour" "$((hours * per_hour))" \
    "$(weed version 2>&1 | head -1 | awk '{print $3}')" "$(nproc)" "${BUILD:-release}"
t_local=$(best_of_three "trailproof (loopback)" "$tp" validate-logs --endpoint-url "$TRAILPROOF_S3_ENDPOINT" ${TP_ARGS:-} "${arguments[@]}")
printf '%-44s %8.2f s   %s\n' "trailproof, loopback" "$t_local" "$(rss)"
if [ "${AWSCLI:-1}" = 1 ]; then
    t_aws_local=$(timed "aws-cli (loopback)" python3 ../shared/interop/awscli_validate.py --endpoint-url "$TRAILPROOF_S3_ENDPOINT" "${arguments[@]}")
    printf '%-44s %8.2f s   aws-cli / trailproof: %.1fx\n' "aws-cli, loopback" "$t_aws_local" "$(echo "$t_aws_local / $t_local" | bc -l)"
fi
for delay in $delays; do
    start_proxy "$delay"
    t=$(best_of_three "trailproof ($delay ms)" "$tp" validate-logs --endpoint-url "$endpoint" ${TP_ARGS:-} "${arguments[@]}")
    printf '%-44s %8.2f s   %.1fx its loopback time, %s\n' "trailproof, $delay ms each way" "$t" "$(echo "$t / $t_local" | bc -l)" "$(rss)"
    if [ "${AWSCLI:-1}" = 1 ]; then
        t_aws=$(timed "aws-cli ($delay ms)" python3 ../shared/interop/awscli_validate.py --endpoint-url "$endpoint" "${arguments[@]}")
        printf '%-44s %8.2f s   aws-cli / trailproof: %.1fx\n' "aws-cli, $delay ms each way" "$t_aws" "$(echo "$t_aws / $t" | bc -l)"
    fi
done
