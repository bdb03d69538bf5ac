#!/usr/bin/env bash
# Validates the same trail (LOG_COUNT log files, default 1000) in a SeaweedFS server on this
# machine with `trailproof validate-logs` and with the aws-cli oracle pointed at the same server,
# and prints both times and their ratio. Starts and stops its own server. Fails if a timed run fails.
#
#   bash bench/validate-s3.sh [LOG_COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
logs=${1:-1000}
work=$(mktemp -d)
source .ci/setup.sh
source .ci/seaweedfs.sh
trap 'seaweedfs_stop; rm -rf "$work"' EXIT

tp=$(bash .ci/build-release.sh 2>"$work/build.log") || { cat "$work/build.log" >&2; exit 1; }
keys=keys/test-keyring
seaweedfs_start "$work/server" >/dev/null
export AWS_ACCESS_KEY_ID=$TRAILPROOF_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$TRAILPROOF_S3_SECRET_KEY AWS_REGION=us-east-1
s3="--endpoint-url $TRAILPROOF_S3_ENDPOINT"

# A trail of $logs log files (100 an hour, each about 40 KB of JSON), made locally and mirrored up.
python3 - "$work/doc.json" <<'PY'
import json, sys
records = [{"eventVersion": "1.09", "eventTime": "2026-05-01T00:00:%02dZ" % (i % 60), "eventSource": "s3.amazonaws.com",
            "eventName": "GetObject", "awsRegion": "us-east-1", "requestParameters": {"bucketName": "data", "key": "k/%06d" % i}}
           for i in range(250)]
json.dump({"Records": records}, open(sys.argv[1], "w"))
PY
location="--store $work/store --bucket bench-s3 --account-id 111122223333 --region us-east-1"
hours=$(( (logs + 99) / 100 ))
for ((hour = 0; hour < hours; hour++)); do
    count=$(( logs - hour * 100 < 100 ? logs - hour * 100 : 100 ))
    files=()
    for ((i = 0; i < count; i++)); do files+=("$work/doc.json"); done
    $tp deliver $location --at "$(printf '2026-05-01T%02d:30:00Z' "$hour")" "${files[@]}" >/dev/null
done
end=$(printf '2026-05-01T%02d:00:00Z' "$hours")
$tp digest $location --trail-name bench-trail --keyring $keys --until "$end" >/dev/null
python3 -c "
import os, boto3, botocore.config
boto3.client('s3', endpoint_url=os.environ['TRAILPROOF_S3_ENDPOINT'], config=botocore.config.Config(s3={'addressing_style': 'path'})).create_bucket(Bucket='bench-s3')"
$tp mirror --from "$work/store" --to s3 --bucket bench-s3 $s3 | tail -1

arguments="--public-keys $keys/public-keys.json --trail-arn arn:aws:cloudtrail:us-east-1:111122223333:trail/bench-trail
  --start-time 2026-05-01T00:00:00Z --end-time $end --s3-bucket bench-s3"
source bench/lib.sh
t_tp=$(seconds $tp validate-logs $s3 $arguments)
echo "trailproof: $(grep -E 'files valid' "$work/last.out" | paste -sd ';' -)"
t_tp_aws=$(seconds $tp validate-logs $s3 --checks aws-cli $arguments)
t_aws=$(seconds python3 ../shared/interop/awscli_validate.py $s3 $arguments)
echo "aws-cli:    $(grep -E 'files valid' "$work/last.out" | paste -sd ';' -)"

printf 'log files: %d in SeaweedFS %s on %d cores\n' "$logs" "$(weed version 2>&1 | head -1 | awk '{print $3}')" "$(nproc)"
printf '%-52s %8.2f s\n' "trailproof validate-logs (full checks)" "$t_tp"
printf '%-52s %8.2f s\n' "trailproof validate-logs --checks aws-cli" "$t_tp_aws"
printf '%-52s %8.2f s\n' "aws-cli validate-logs (oracle, same server)" "$t_aws"
printf 'aws-cli / trailproof: %.1fx (full checks), %.1fx (aws-cli checks)\n' "$(echo "$t_aws / $t_tp" | bc -l)" "$(echo "$t_aws / $t_tp_aws" | bc -l)"
