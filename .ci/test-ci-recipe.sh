#!/usr/bin/env bash
# Runs the CI recipes' shell steps (docs/ci/trailproof-validate.sh) as an hourly job would, against
# the SeaweedFS server of the test command (TRAILPROOF_S3_ENDPOINT and its keys): a first run
# validates the trail and records the state; a later run validates only the new hour; after the
# newest digest is deleted (a rollback) the next run fails with the reports still written.
#
#   bash .ci/test-ci-recipe.sh dist/trailproof-VERSION-linux-ARCH.tar.gz
set -euo pipefail
archive=$(realpath "$1")
repository=$(cd "$(dirname "$0")/.." && pwd)
: "${TRAILPROOF_S3_ENDPOINT:?the test command starts SeaweedFS and sets TRAILPROOF_S3_*}"
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
fail() { echo "CI recipe test: $*" >&2; exit 1; }
export AWS_ACCESS_KEY_ID=$TRAILPROOF_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$TRAILPROOF_S3_SECRET_KEY AWS_REGION=us-east-1
bucket="tp-ci-recipe-$RANDOM$RANDOM"
python3 -c "import boto3, sys; boto3.client('s3', endpoint_url='$TRAILPROOF_S3_ENDPOINT', region_name='us-east-1').create_bucket(Bucket='$bucket')"

# The producer: the archive's own binary delivers an hourly trail, sealed up to the last full hour
# but one (so that no digest is overdue when the job runs).
mkdir -p "$work/producer"
tar -xzf "$archive" -C "$work/producer" --strip-components 1
tp="$work/producer/bin/trailproof"
now=$(date -u +%s)
hour() { date -u -d "@$(( (now / 3600 + $1) * 3600 ))" +%Y-%m-%dT%H:%M:%SZ; }
"$tp" keys generate --keyring "$work/keyring" --valid-from "$(hour -48)" > /dev/null
location=(--store s3 --endpoint-url "$TRAILPROOF_S3_ENDPOINT" --bucket "$bucket" --prefix audit --account-id 111122223333 --region us-east-1)
deliver_hour() {  # OFFSET: one log file in the hour starting OFFSET hours from this one
    local at
    at=$(date -u -d "@$(( (now / 3600 + $1) * 3600 + 1500 ))" +%Y-%m-%dT%H:%M:%SZ)
    printf '{"Records":[{"eventVersion":"1.09","eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1"}]}' "$at" \
        | "$tp" deliver "${location[@]}" --at "$at" - > /dev/null
}
for offset in -8 -7 -6 -5 -4 -3; do deliver_hour "$offset"; done
"$tp" digest "${location[@]}" --trail-name ci-trail --keyring "$work/keyring" --until "$(hour -1)" > /dev/null

recipe() {  # runs the recipe's steps in the job's folder; prints its exit status
    (
        cd "$work/job"
        env TRAILPROOF_ARCHIVE="$archive" TRAIL_ARN=arn:aws:cloudtrail:us-east-1:111122223333:trail/ci-trail S3_BUCKET="$bucket" \
            S3_PREFIX=audit START_TIME="$(hour -8)" PUBLIC_KEYS="$work/keyring/public-keys.json" \
            TRAILPROOF_ARGS="--endpoint-url $TRAILPROOF_S3_ENDPOINT --account-id 111122223333" \
            bash "$repository/docs/ci/trailproof-validate.sh" > "$work/job/recipe.log" 2>&1
    ) && echo 0 || echo $?
}
cases() { grep -c '<testcase ' "$work/job/reports/junit.xml" || true; }
mkdir -p "$work/job"

status=$(recipe)
[ "$status" = 0 ] || { cat "$work/job/recipe.log" >&2; fail "the first run exited $status"; }
[ -s "$work/job/.trailproof-state/trailproof-state.json" ] || fail "no state was kept"
first=$(cases)
# Six log files and the seven digests from the first log's hour to the last full hour but one.
[ "$first" = 13 ] || fail "the first run reported $first objects, not 7 digests and 6 log files"
grep -q 'VALID: every digest' "$work/job/reports/evidence.html" || fail "the evidence page does not say valid"

# An hour later: one more log file and its digest; the next run checks only those.
deliver_hour -1
"$tp" digest "${location[@]}" --trail-name ci-trail --keyring "$work/keyring" --until "$(hour 0)" > /dev/null
status=$(recipe)
[ "$status" = 0 ] || { cat "$work/job/recipe.log" >&2; fail "the second run exited $status"; }
second=$(cases)
[ "$second" -ge 2 ] && [ "$second" -lt "$first" ] || fail "the second run reported $second objects; expected only the new hour's"

# A rollback: the newest digest deleted. The run fails, and its reports are there to publish.
newest=$(python3 -c "
import boto3
s3 = boto3.client('s3', endpoint_url='$TRAILPROOF_S3_ENDPOINT', region_name='us-east-1')
keys = [o['Key'] for o in s3.list_objects_v2(Bucket='$bucket', Prefix='audit/AWSLogs/111122223333/CloudTrail-Digest/')['Contents']]
newest = max(keys, key=lambda k: k.rsplit('_', 1)[1])
s3.delete_object(Bucket='$bucket', Key=newest)
print(newest)")
status=$(recipe)
[ "$status" = 1 ] || { cat "$work/job/recipe.log" >&2; fail "the run after a rollback exited $status, not 1"; }
grep -q 'anchor-not-reached' "$work/job/reports/junit.xml" || fail "the JUnit report does not name the rollback"
grep -q 'INVALID: evidence of tampering' "$work/job/reports/evidence.html" || fail "the evidence page does not say INVALID"
echo "CI recipe test: passed (first run $first objects, hourly run $second, rollback of $(basename "$newest") caught)"
