#!/usr/bin/env bash
# Measures `trailproof validate-logs` on a local store against the machine's own limit for the
# same work (zlib inflate + OpenSSL SHA-256 of every log on all cores, driven from Python), and against
# the aws-cli oracle. Prints figures; fails if a timed run fails.
#
#   bash bench/validate-local.sh [LOG_COUNT] [RECORDS_PER_LOG]     (defaults: 400 logs, 4000 records)
set -euo pipefail
cd "$(dirname "$0")/.."
logs=${1:-400}
records=${2:-4000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tp=$(bash .ci/build-release.sh 2>"$work/build.log") || { cat "$work/build.log" >&2; exit 1; }
keys=keys/test-keyring
location="--store $work/store --bucket bench-bucket --account-id 111122223333 --region us-east-1"

python3 - "$work/doc.json" "$records" <<'PY'
import json, sys
path, count = sys.argv[1], int(sys.argv[2])
records = [{"eventVersion": "1.09", "eventTime": "2026-04-01T00:00:%02dZ" % (i % 60), "eventSource": "s3.amazonaws.com",
            "eventName": "GetObject", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.%d" % (i % 250),
            "requestParameters": {"bucketName": "data-%d" % (i % 97), "key": "objects/%08d.parquet" % i},
            "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/app/%d" % (i % 13)}}
           for i in range(count)]
json.dump({"Records": records}, open(path, "w"))
PY
hours=$(( (logs + 99) / 100 ))
for ((hour = 0; hour < hours; hour++)); do
    in_hour=$(( logs - hour * 100 < 100 ? logs - hour * 100 : 100 ))
    files=()
    for ((i = 0; i < in_hour; i++)); do files+=("$work/doc.json"); done
    $tp deliver $location --at "$(printf '2026-04-01T%02d:30:00Z' "$hour")" "${files[@]}" >/dev/null
done
$tp digest $location --trail-name bench-trail --keyring $keys --until "$(printf '2026-04-01T%02d:00:00Z' "$hours")" >/dev/null

uncompressed=$(( $(stat -c %s "$work/doc.json") * logs ))
compressed=$(find "$work/store/bench-bucket/AWSLogs/111122223333/CloudTrail" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
arguments="--public-keys $keys/public-keys.json --trail-arn arn:aws:cloudtrail:us-east-1:111122223333:trail/bench-trail
  --start-time 2026-04-01T00:00:00Z --end-time $(printf '2026-04-01T%02d:00:00Z' "$hours") --s3-bucket bench-bucket"
cat "$work"/store/bench-bucket/AWSLogs/111122223333/CloudTrail/*/*/*/*/*.json.gz > /dev/null  # warm the page cache

source bench/lib.sh
rate() { echo "scale=0; $uncompressed / $1 / 1000000" | bc -l; }

t_tp=$(seconds $tp validate-logs --store "$work/store" $arguments)
t_tp1=$(seconds $tp validate-logs --store "$work/store" --jobs 1 $arguments)
cat > "$work/limit.py" <<'PY'
import hashlib, multiprocessing, os, sys, zlib
def digest(path):
    inflater, sha = zlib.decompressobj(31), hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(256 * 1024):
            sha.update(inflater.decompress(chunk))
    return sha.hexdigest()
paths = [os.path.join(d, f) for d, _, fs in os.walk(sys.argv[1]) for f in fs]
with multiprocessing.Pool(os.cpu_count()) as pool:
    pool.map(digest, paths, chunksize=8)
PY
t_limit=$(seconds python3 "$work/limit.py" "$work/store/bench-bucket/AWSLogs/111122223333/CloudTrail")
t_aws=$(seconds python3 ../shared/interop/awscli_validate.py "$work/store" $arguments)

printf 'logs: %d, uncompressed %d MB, compressed %d MB, cores: %d\n' "$logs" $((uncompressed / 1000000)) $((compressed / 1000000)) "$(nproc)"
printf '%-48s %8.2f s  %6s MB/s\n' "trailproof validate-logs (all cores)" "$t_tp" "$(rate "$t_tp")"
printf '%-48s %8.2f s  %6s MB/s\n' "trailproof validate-logs --jobs 1" "$t_tp1" "$(rate "$t_tp1")"
printf '%-48s %8.2f s  %6s MB/s\n' "zlib inflate + SHA-256, all cores (reference)" "$t_limit" "$(rate "$t_limit")"
printf '%-48s %8.2f s  %6s MB/s\n' "aws-cli validate-logs (oracle, moto in-process)" "$t_aws" "$(rate "$t_aws")"
