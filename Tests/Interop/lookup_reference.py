"""The reference for lookup-events: varied CloudTrail records, and which of them each lookup
attribute and filter pattern must return, decided here in Python from the documented rules
(README: lookup-events), independently of trailproof's parser.

    lookup_reference.py generate DIR      writes DIR/hour-NN.json log documents (records of 6 hours)
    lookup_reference.py cases STORE BUCKET [--exclude KEY]...
        prints a JSON list of {"name", "args", "expected"}: trailproof lookup-events arguments and
        the expected eventIDs, newest first, computed from every log file of the store (but the
        excluded ones)
"""
import fnmatch
import gzip
import json
import os
import sys

USERS = [
    {"type": "IAMUser", "userName": "alice", "arn": "arn:aws:iam::111122223333:user/alice", "accessKeyId": "AKIAALICE0000000001"},
    {"type": "IAMUser", "userName": "bob", "arn": "arn:aws:iam::111122223333:user/bob", "accessKeyId": "AKIABOB00000000002"},
    {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/Admin/carol-session", "accessKeyId": "ASIACAROL000000003"},
    {"type": "Root", "arn": "arn:aws:iam::111122223333:root", "accessKeyId": "AKIAROOT0000000004"},
]


def record(i, hour):
    user = USERS[i % len(USERS)]
    kind = i % 6
    base = {
        "eventVersion": "1.09", "userIdentity": user, "eventTime": "2026-06-01T%02d:%02d:%02dZ" % (hour, (i * 7) % 60, i % 60),
        "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.%d" % (i % 200), "eventID": "ev-%02d-%03d" % (hour, i),
        "recipientAccountId": "111122223333",
    }
    if kind == 0:
        base.update({"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin", "eventType": "AwsConsoleSignIn",
                     "readOnly": False, "responseElements": {"ConsoleLogin": "Failure" if i % 4 == 0 else "Success"},
                     "additionalEventData": {"MFAUsed": "No" if (i // 6) % 2 else "Yes"}})
    elif kind == 1:
        base.update({"eventSource": "s3.amazonaws.com", "eventName": "GetObject", "readOnly": True, "eventCategory": "Data",
                     "managementEvent": False, "requestParameters": {"bucketName": "data-bucket", "key": "reports/%d.csv" % i},
                     "resources": [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::data-bucket/reports/%d.csv" % i},
                                   {"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::data-bucket"}],
                     "bytesTransferredOut": i * 100})
    elif kind == 2:
        base.update({"eventSource": "iam.amazonaws.com", "eventName": "CreateUser" if i % 4 else "DeleteUser", "readOnly": False,
                     "requestParameters": {"userName": "new-user-%d" % i},
                     "resources": [{"type": "AWS::IAM::User", "ARN": "arn:aws:iam::111122223333:user/new-user-%d" % i}]})
    elif kind == 3:
        base.update({"eventSource": "s3.amazonaws.com", "eventName": "DeleteBucket", "readOnly": False,
                     "requestParameters": {"bucketName": "old-bucket-%d" % i}, "errorCode": "AccessDenied" if (i // 6) % 2 else None,
                     "resources": [{"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::old-bucket-%d" % i}]})
    elif kind == 4:
        base.update({"eventSource": "ec2.amazonaws.com", "eventName": "DescribeInstances", "readOnly": True,
                     "requestParameters": {"maxResults": i * 10, "filterSet": {}}, "responseElements": None})
    else:
        base.update({"eventSource": "kms.amazonaws.com", "eventName": "Decrypt", "readOnly": True,
                     "sessionCredentialFromConsole": "true" if i % 2 else None,
                     "resources": [{"type": "AWS::KMS::Key", "ARN": "arn:aws:kms:us-east-1:111122223333:key/k-%d" % i}]})
    return {k: v for k, v in base.items() if v is not None or k in ("responseElements",)}


def generate(folder):
    os.makedirs(folder, exist_ok=True)
    for hour in range(6):
        records = [record(i, hour) for i in range(hour * 10, hour * 10 + 24)]
        with open(os.path.join(folder, "hour-%02d.json" % hour), "w") as out:
            json.dump({"Records": records}, out)


def get(value, path):
    """Follows $.a.b[0].c; returns (found, value)."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return False, None
            value = value[step]
        else:
            if not isinstance(value, dict) or step not in value:
                return False, None
            value = value[step]
    return True, value


def eq(path, pattern):
    """= with a string: the field is a string matching the pattern (* any run of characters)."""
    return lambda r: (lambda f, v: f and isinstance(v, str) and fnmatch.fnmatchcase(v, pattern))(*get(r, path))


def number(path, op):
    def test(r):
        found, value = get(r, path)
        return found and isinstance(value, (int, float)) and not isinstance(value, bool) and op(value)
    return test


def username(r):
    identity = r.get("userIdentity", {})
    if "userName" in identity:
        return identity["userName"]
    if identity.get("type") == "Root":
        return "root"
    if identity.get("type") in ("AssumedRole", "FederatedUser"):
        return identity.get("arn", "").split("/")[-1]
    return identity.get("invokedBy")


def not_eq(path, pattern):
    return lambda r: (lambda f, v: f and isinstance(v, str) and not fnmatch.fnmatchcase(v, pattern))(*get(r, path))


CASES = [
    ("console-failure", ["--filter-pattern", '{ $.eventName = "ConsoleLogin" && $.responseElements.ConsoleLogin = "Failure" }'],
     lambda r: eq(["eventName"], "ConsoleLogin")(r) and eq(["responseElements", "ConsoleLogin"], "Failure")(r)),
    ("or-and-parens", ["--filter-pattern", '{ ($.eventName = DeleteBucket && $.errorCode = "AccessDenied") || $.eventName = DeleteUser }'],
     lambda r: (eq(["eventName"], "DeleteBucket")(r) and eq(["errorCode"], "AccessDenied")(r)) or eq(["eventName"], "DeleteUser")(r)),
    ("not-equal", ["--filter-pattern", '{ $.eventSource = "s3.amazonaws.com" && $.eventName != "GetObject" }'],
     lambda r: eq(["eventSource"], "s3.amazonaws.com")(r) and not_eq(["eventName"], "GetObject")(r)),
    ("wildcard", ["--filter-pattern", '{ $.userIdentity.arn = "arn:aws:sts::*:assumed-role/Admin/*" }'],
     eq(["userIdentity", "arn"], "arn:aws:sts::*:assumed-role/Admin/*")),
    ("array-index", ["--filter-pattern", '{ $.resources[0].ARN = "arn:aws:s3:::data-bucket/reports/1*" }'],
     eq(["resources", 0, "ARN"], "arn:aws:s3:::data-bucket/reports/1*")),
    ("array-second", ["--filter-pattern", '{ $.resources[1].type = "AWS::S3::Bucket" }'], eq(["resources", 1, "type"], "AWS::S3::Bucket")),
    ("greater", ["--filter-pattern", "{ $.bytesTransferredOut > 2000 }"], number(["bytesTransferredOut"], lambda v: v > 2000)),
    ("less-equal", ["--filter-pattern", "{ $.requestParameters.maxResults <= 200 }"], number(["requestParameters", "maxResults"], lambda v: v <= 200)),
    ("less", ["--filter-pattern", "{ $.requestParameters.maxResults < 200 }"], number(["requestParameters", "maxResults"], lambda v: v < 200)),
    ("greater-equal", ["--filter-pattern", "{ $.bytesTransferredOut >= 2500 }"], number(["bytesTransferredOut"], lambda v: v >= 2500)),
    ("number-equal", ["--filter-pattern", "{ $.requestParameters.maxResults = 100 }"], number(["requestParameters", "maxResults"], lambda v: v == 100)),
    ("number-not-equal", ["--filter-pattern", "{ $.requestParameters.maxResults != 100 }"], number(["requestParameters", "maxResults"], lambda v: v != 100)),
    ("is-null", ["--filter-pattern", "{ $.responseElements IS NULL }"], lambda r: get(r, ["responseElements"]) == (True, None)),
    ("not-exists", ["--filter-pattern", "{ $.errorCode NOT EXISTS && $.eventName = DeleteBucket }"],
     lambda r: not get(r, ["errorCode"])[0] and eq(["eventName"], "DeleteBucket")(r)),
    ("is-true", ["--filter-pattern", "{ $.readOnly IS TRUE && $.eventSource = kms.amazonaws.com }"],
     lambda r: get(r, ["readOnly"]) == (True, True) and eq(["eventSource"], "kms.amazonaws.com")(r)),
    ("is-false", ["--filter-pattern", "{ $.readOnly IS FALSE }"], lambda r: get(r, ["readOnly"]) == (True, False)),
    ("bare-word", ["--filter-pattern", "{ $.additionalEventData.MFAUsed = No }"], eq(["additionalEventData", "MFAUsed"], "No")),
    ("attribute-event-id", ["--lookup-attributes", "AttributeKey=EventId,AttributeValue=ev-03-037"], lambda r: r.get("eventID") == "ev-03-037"),
    ("attribute-event-name", ["--lookup-attributes", "AttributeKey=EventName,AttributeValue=ConsoleLogin"], lambda r: r.get("eventName") == "ConsoleLogin"),
    ("attribute-read-only", ["--lookup-attributes", "AttributeKey=ReadOnly,AttributeValue=true"], lambda r: r.get("readOnly") is True),
    ("attribute-username", ["--lookup-attributes", "AttributeKey=Username,AttributeValue=carol-session"], lambda r: username(r) == "carol-session"),
    ("attribute-username-root", ["--lookup-attributes", "AttributeKey=Username,AttributeValue=root"], lambda r: username(r) == "root"),
    ("attribute-resource-type", ["--lookup-attributes", "AttributeKey=ResourceType,AttributeValue=AWS::IAM::User"],
     lambda r: any(x.get("type") == "AWS::IAM::User" for x in r.get("resources", []))),
    ("attribute-resource-name", ["--lookup-attributes", "AttributeKey=ResourceName,AttributeValue=arn:aws:s3:::data-bucket"],
     lambda r: any(x.get("ARN") == "arn:aws:s3:::data-bucket" for x in r.get("resources", []))),
    ("attribute-event-source", ["--lookup-attributes", "AttributeKey=EventSource,AttributeValue=iam.amazonaws.com"],
     lambda r: r.get("eventSource") == "iam.amazonaws.com"),
    ("attribute-access-key", ["--lookup-attributes", "AttributeKey=AccessKeyId,AttributeValue=AKIABOB00000000002"],
     lambda r: r.get("userIdentity", {}).get("accessKeyId") == "AKIABOB00000000002"),
    ("attribute-and-pattern", ["--lookup-attributes", "AttributeKey=Username,AttributeValue=alice", "--filter-pattern", "{ $.readOnly IS FALSE }"],
     lambda r: username(r) == "alice" and r.get("readOnly") is False),
    ("time-range", ["--start-time", "2026-06-01T02:30:00Z", "--end-time", "2026-06-01T03:15:00Z"],
     lambda r: "2026-06-01T02:30:00Z" <= r["eventTime"] <= "2026-06-01T03:15:00Z"),
]


def cases(store, bucket, excluded):
    records = []
    root = os.path.join(store, bucket)
    for folder, _, files in os.walk(os.path.join(root, "AWSLogs")):
        if "/CloudTrail/" not in folder + "/":
            continue
        for name in files:
            key = os.path.relpath(os.path.join(folder, name), root)
            if key in excluded:
                continue
            with gzip.open(os.path.join(folder, name)) as f:
                records += json.load(f)["Records"]
    out = []
    for name, args, test in CASES:
        chosen = [r for r in records if test(r)]
        if not any(a == "--start-time" for a in args):
            chosen = [r for r in chosen if "2026-06-01T00:00:00Z" <= r["eventTime"] <= "2026-06-01T05:00:00Z"]
        chosen.sort(key=lambda r: r["eventTime"], reverse=True)
        out.append({"name": name, "args": args, "expected": [r["eventID"] for r in chosen]})
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2])
    else:
        excluded = [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == "--exclude"]
        cases(sys.argv[2], sys.argv[3], excluded)
