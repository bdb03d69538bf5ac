#!/usr/bin/env bash
# The steps the CI recipes run (docs/ci/github-actions.yml, docs/ci/gitlab-ci.yml): install the
# trailproof release archive (its checksum checked), validate what is new since the last run,
# keep the state for the next run, and leave the JUnit report and the HTML evidence for the CI
# to publish. Exits with validate-logs' status (0 valid, 1 INVALID, 4 not established, 5
# nothing found, 2/3 usage or a stopped run), after the reports are written.
#
# Environment:
#   TRAILPROOF_ARCHIVE   URL or path of trailproof-VERSION-linux-ARCH.tar.gz (.sha256 beside it)
#   TRAIL_ARN            the trail, e.g. arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail
#   S3_BUCKET            its bucket; S3_PREFIX its key prefix, if any
#   START_TIME           where the first run starts (later runs start from the state)
#   STATE_DIR            kept between runs by the CI cache (default .trailproof-state)
#   REPORTS              what the CI publishes (default reports)
#   PUBLIC_KEYS          a public key list file; default: `aws cloudtrail list-public-keys`
#   TRAILPROOF_ARGS      more validate-logs arguments (e.g. --all-regions, --endpoint-url URL)
# Credentials come from the usual AWS chain: in the recipes, OIDC (AWS_ROLE_ARN and the token
# file the job writes to AWS_WEB_IDENTITY_TOKEN_FILE).
set -euo pipefail
: "${TRAILPROOF_ARCHIVE:?set TRAILPROOF_ARCHIVE}" "${TRAIL_ARN:?set TRAIL_ARN}" "${S3_BUCKET:?set S3_BUCKET}" "${START_TIME:?set START_TIME}"
state_dir=${STATE_DIR:-.trailproof-state}
reports=${REPORTS:-reports}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Install the archive into a private prefix, after checking its checksum.
name=$(basename "$TRAILPROOF_ARCHIVE")
case $TRAILPROOF_ARCHIVE in
    http://* | https://*)
        curl -fsSL -o "$work/$name" "$TRAILPROOF_ARCHIVE"
        curl -fsSL -o "$work/$name.sha256" "$TRAILPROOF_ARCHIVE.sha256" ;;
    *)
        cp "$TRAILPROOF_ARCHIVE" "$TRAILPROOF_ARCHIVE.sha256" "$work/" ;;
esac
(cd "$work" && sha256sum --quiet -c "$name.sha256")
mkdir -p "$work/prefix"
tar -xzf "$work/$name" -C "$work/prefix" --strip-components 1
trailproof="$work/prefix/bin/trailproof"
"$trailproof" --version

# 2. The public keys of the range, unless given.
keys=${PUBLIC_KEYS:-}
if [ -z "$keys" ]; then
    keys="$work/public-keys.json"
    region=$(echo "$TRAIL_ARN" | cut -d: -f4)
    aws cloudtrail list-public-keys --region "$region" --start-time "$START_TIME" --output json > "$keys"
fi

# 3. Validate what is new since the state's digest (everything from START_TIME on the first run).
mkdir -p "$state_dir" "$reports"
prefix_args=()
[ -z "${S3_PREFIX:-}" ] || prefix_args=(--s3-prefix "$S3_PREFIX")
# shellcheck disable=SC2086
set +e
"$trailproof" validate-logs --trail-arn "$TRAIL_ARN" --s3-bucket "$S3_BUCKET" "${prefix_args[@]}" --start-time "$START_TIME" \
    --public-keys "$keys" --state "$state_dir/trailproof-state.json" --only-new \
    --output junit --report "$reports/evidence.html" ${TRAILPROOF_ARGS:-} > "$reports/junit.xml"
status=$?
set -e
echo "trailproof validate-logs exited with status $status; reports in $reports/"
exit "$status"
