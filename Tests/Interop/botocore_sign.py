#!/usr/bin/env python3
"""Signs one S3 request with botocore's own S3SigV4Auth at a fixed time and prints the headers
it sets, as JSON with lowercase names. Input (stdin, JSON): method, url, headers (object), body,
region, accessKey, secret, token (or null), date (YYYYMMDDTHHMMSSZ)."""
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

spec = json.load(sys.stdin)
fixed = datetime.datetime.strptime(spec["date"], "%Y%m%dT%H%M%SZ")
botocore.auth.get_current_datetime = lambda *args, **kwargs: fixed
request = AWSRequest(method=spec["method"], url=spec["url"], data=spec["body"].encode(), headers=spec["headers"])
auth = botocore.auth.S3SigV4Auth(Credentials(spec["accessKey"], spec["secret"], spec.get("token")), "s3", spec["region"])
auth.add_auth(request)
print(json.dumps({name.lower(): value for name, value in request.headers.items()}, sort_keys=True))
