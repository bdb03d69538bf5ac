#!/usr/bin/env bash
# Regenerates the cases in testdata/ (run from anywhere: bash testdata/make-testdata.sh): small trails signed with the test keyring (keys/, test-only), each
# tampered in one way, with the real aws-cli's output recorded through the shared oracle.
#
#   testdata/CASE/store/          the local store (objects and .metadata)
#   testdata/CASE/arguments       validate-logs arguments, one per line (without --store)
#   testdata/CASE/expected.stdout, expected.stderr, expected.status   aws-cli's answer
#
# The tests run trailproof on each case and compare with the recorded answer (and re-run the oracle).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product trailproof >/dev/null
tp=.build/debug/trailproof
oracle=../shared/interop/awscli_validate.py
keys=keys/test-keyring
cases=(valid log-modified log-deleted digest-deleted signature-corrupted digest-moved)
for name in "${cases[@]}"; do rm -rf "testdata/$name"; done

make_trail() {  # $1: store folder
    local store=$1 location="--store $1 --bucket example-trail-bucket --account-id 111122223333 --region us-east-1"
    for time in 2026-03-01T00:12:00Z 2026-03-01T00:47:00Z 2026-03-01T01:30:00Z 2026-03-01T03:05:00Z; do
        printf '{"Records":[{"eventVersion":"1.09","eventTime":"%s","eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":"us-east-1"}]}' \
            "${time%:00Z}:00Z" | $tp deliver $location --at "$time" - >/dev/null
    done
    $tp digest $location --trail-name example-trail --keyring $keys --until 2026-03-01T04:00:00Z >/dev/null
}

digest_key() {  # $1: hour the digest window ends at
    echo "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/01/111122223333_CloudTrail-Digest_us-east-1_example-trail_us-east-1_20260301T0${1}0000Z.json.gz"
}

record() {  # $1: case name
    local folder=testdata/$1
    printf '%s\n' --public-keys KEYS --trail-arn arn:aws:cloudtrail:us-east-1:111122223333:trail/example-trail \
        --start-time 2026-03-01T00:00:00Z --end-time 2026-03-01T04:00:00Z --s3-bucket example-trail-bucket --verbose > "$folder/arguments"
    set +e
    python3 $oracle "$folder/store" $(sed "s|^KEYS$|$keys/public-keys.json|" "$folder/arguments") \
        > "$folder/expected.stdout" 2> "$folder/expected.stderr"
    echo $? > "$folder/expected.status"
    set -e
    rm -f "$folder/store/.metadata/.write-lock"
}

for name in "${cases[@]}"; do
    mkdir -p testdata/$name
    make_trail testdata/$name/store
done
bucket_of() { echo "testdata/$1/store/example-trail-bucket"; }

first_log=$(cd "$(bucket_of log-modified)" && ls AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/*T0012Z_*)
echo '{"Records":[{"eventTime":"2026-03-01T00:12:00Z","eventName":"DeleteTrail"}]}' | gzip -n > "$(bucket_of log-modified)/$first_log"
rm "$(bucket_of log-deleted)/$(cd "$(bucket_of log-deleted)" && ls AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/01/*T0130Z_*)"
rm "$(bucket_of digest-deleted)/$(digest_key 2)" "testdata/digest-deleted/store/.metadata/example-trail-bucket/$(digest_key 2).json"
sed -i 's/"signature":"\(.\)/"signature":"f/' "testdata/signature-corrupted/store/.metadata/example-trail-bucket/$(digest_key 3).json"
cp "$(bucket_of digest-moved)/$(digest_key 1)" "$(bucket_of digest-moved)/$(digest_key 3)"
cp "testdata/digest-moved/store/.metadata/example-trail-bucket/$(digest_key 1).json" "testdata/digest-moved/store/.metadata/example-trail-bucket/$(digest_key 3).json"

for name in "${cases[@]}"; do record "$name"; done
grep -H . testdata/*/expected.status
