#!/usr/bin/env bash
# lookup-events against `zcat | jq -c` and DuckDB on the same month-scale trail (local store):
# HOURS hours of LOGS_PER_HOUR gzip log files of RECORDS varied CloudTrail records each, all
# digested; the same question asked three ways (failed console logins), the answers' sizes
# compared, and events scanned per second printed for each. trailproof also verifies every
# file against the digests. Fails if a timed run fails or the answers differ.
#
#   bash bench/lookup-events.sh [HOURS] [LOGS_PER_HOUR] [RECORDS]     (defaults: 700 12 50)
set -euo pipefail
cd "$(dirname "$0")/.."
hours=${1:-700}
per_hour=${2:-12}
records=${3:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source .ci/setup.sh >/dev/null
python3 -c "import duckdb" 2>/dev/null || python3 -m pip install -q duckdb==1.5.6 >/dev/null
if ! command -v jq >/dev/null; then
    [ "$(id -u)" = 0 ] && sudo="" || sudo="sudo"
    $sudo apt-get install -y -qq jq >/dev/null
fi
tp=$(bash .ci/build-release.sh 2>"$work/build.log") || { cat "$work/build.log" >&2; exit 1; }
keys=keys/test-keyring
source bench/lib.sh

# The log files, written straight into CloudTrail's layout (delivering 8,000 files one command at
# a time would time the set-up, not the search), then digested by trailproof.
python3 - "$work/store/lookup-bench" "$hours" "$per_hour" "$records" <<'PY'
import datetime, gzip, json, os, random, sys
root, hours, per_hour, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(7)
users = ["alice", "bob", "carol", "dave", "erin"]
start = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)
for h in range(hours):
    hour = start + datetime.timedelta(hours=h)
    folder = os.path.join(root, "AWSLogs/111122223333/CloudTrail/us-east-1", hour.strftime("%Y/%m/%d"))
    os.makedirs(folder, exist_ok=True)
    for f in range(per_hour):
        delivered = hour + datetime.timedelta(minutes=5 * f)
        records = []
        for i in range(count):
            when = delivered - datetime.timedelta(seconds=rng.randrange(1, 240))
            user = rng.choice(users)
            kind = rng.randrange(20)
            r = {"eventVersion": "1.09", "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "awsRegion": "us-east-1",
                 "eventID": "%08x-%04d-%04d-%02d" % (h, f, i, kind), "sourceIPAddress": "198.51.100.%d" % rng.randrange(256),
                 "userIdentity": {"type": "IAMUser", "userName": user, "arn": "arn:aws:iam::111122223333:user/" + user,
                                  "accessKeyId": "AKIA%016d" % users.index(user)}, "recipientAccountId": "111122223333"}
            if kind == 0:
                r.update({"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "readOnly": False,
                          "responseElements": {"ConsoleLogin": "Failure" if rng.random() < 0.3 else "Success"}})
            elif kind < 12:
                r.update({"eventSource": "s3.amazonaws.com", "eventName": "GetObject", "readOnly": True, "eventCategory": "Data",
                          "requestParameters": {"bucketName": "data", "key": "k/%d" % rng.randrange(10 ** 6)},
                          "resources": [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::data/k/%d" % i}]})
            else:
                r.update({"eventSource": "ec2.amazonaws.com", "eventName": rng.choice(["DescribeInstances", "RunInstances"]),
                          "readOnly": True, "requestParameters": {"maxResults": 1000}, "responseElements": None})
            records.append(r)
        name = "111122223333_CloudTrail_us-east-1_%s_%s.json.gz" % (delivered.strftime("%Y%m%dT%H%MZ"), "%016d" % (h * 100 + f))
        with gzip.open(os.path.join(folder, name), "wt", compresslevel=6) as out:
            json.dump({"Records": records}, out, separators=(",", ":"))
PY
end=$(date -u -d "2026-03-01 00:00:00 UTC + $hours hours" +%Y-%m-%dT%H:%M:%SZ)
$tp digest --store "$work/store" --bucket lookup-bench --account-id 111122223333 --region us-east-1 --trail-name lookup \
    --keyring $keys --until "$(date -u -d "$end + 2 hours" +%Y-%m-%dT%H:%M:%SZ)" > /dev/null
logs="$work/store/lookup-bench/AWSLogs/111122223333/CloudTrail"
files=$(find "$logs" -name '*.json.gz' | wc -l)
events=$((files * records))
find "$logs" -name '*.json.gz' -print0 | xargs -0 cat > /dev/null  # warm the page cache

pattern='{ $.eventName = "ConsoleLogin" && $.responseElements.ConsoleLogin = "Failure" }'
t_tp=$(seconds $tp lookup-events --store "$work/store" --public-keys $keys/public-keys.json \
    --trail-arn arn:aws:cloudtrail:us-east-1:111122223333:trail/lookup --s3-bucket lookup-bench \
    --start-time 2026-03-01T00:00:00Z --end-time "$end" --filter-pattern "$pattern" --output jsonl)
n_tp=$(grep -c '"Verified":true' "$work/last.out" || true)
t_jq=$(seconds bash -c "find '$logs' -name '*.json.gz' -print0 | xargs -0 zcat | jq -c '.Records[] | select(.eventName == \"ConsoleLogin\" and .responseElements.ConsoleLogin == \"Failure\")'")
n_jq=$(grep -c ConsoleLogin "$work/last.out" || true)
cat > "$work/duck.py" <<PY
import duckdb
rows = duckdb.sql("""
  SELECT r FROM (SELECT unnest(Records) AS r FROM read_json('$logs/**/*.json.gz', columns={Records: 'JSON[]'}, compression='gzip'))
  WHERE json_extract_string(r, '\$.eventName') = 'ConsoleLogin' AND json_extract_string(r, '\$.responseElements.ConsoleLogin') = 'Failure'
""").fetchall()
print(len(rows))
PY
t_duck=$(seconds python3 "$work/duck.py")
n_duck=$(tail -1 "$work/last.out")
if [ "$n_tp" != "$n_jq" ] || [ "$n_tp" != "$n_duck" ]; then
    echo "bench: the answers differ: trailproof $n_tp, jq $n_jq, DuckDB $n_duck" >&2
    exit 1
fi
printf 'lookup-events bench: %d log files (%d hours x %d), %d events, %d matches, %d cores\n' "$files" "$hours" "$per_hour" "$events" "$n_tp" "$(nproc)"
for row in "trailproof lookup-events (verifies every file):$t_tp" "zcat | jq -c:$t_jq" "DuckDB read_json + unnest:$t_duck"; do
    name=${row%%:*}
    took=${row##*:}
    printf '  %-46s %7.2f s  %10.0f events/s\n' "$name" "$took" "$(echo "$events / $took" | bc -l)"
done
printf '  trailproof is %.1fx zcat|jq and %.2fx DuckDB\n' "$(echo "$t_jq / $t_tp" | bc -l)" "$(echo "$t_duck / $t_tp" | bc -l)"
