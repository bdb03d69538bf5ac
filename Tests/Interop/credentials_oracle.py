#!/usr/bin/env python3
"""botocore as the oracle of the AWS credential chain, and the endpoints it is tested against.

  credentials_oracle.py resolve [PROFILE]
      Prints, as JSON, the credentials botocore resolves in this environment (the profile as
      `aws --profile` gives it): access_key, secret_key, token, method.
  credentials_oracle.py identity ENDPOINT ACCESS_KEY SECRET_KEY [TOKEN]
      Prints the ARN that STS GetCallerIdentity at ENDPOINT (moto) answers for these credentials.
  credentials_oracle.py serve
      Starts moto's server (STS) and local stand-ins for the endpoints no server exists for here
      (EC2 instance metadata with IMDSv2, the same with a hop limit that drops the token answer,
      the ECS container endpoint, the SSO portal), prints their ports as one JSON line, and runs
      until standard input closes.
"""
import json
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def expiration(hours=6):
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve(profile):
    import botocore.session
    session = botocore.session.Session(profile=profile) if profile else botocore.session.Session()
    credentials = session.get_credentials()
    if credentials is None:
        print(json.dumps(None))
        return
    frozen = credentials.get_frozen_credentials()
    print(json.dumps({"access_key": frozen.access_key, "secret_key": frozen.secret_key, "token": frozen.token,
                      "method": credentials.method}))


def identity(endpoint, key, secret, token=None):
    import boto3
    client = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key,
                          aws_secret_access_key=secret, aws_session_token=token)
    print(client.get_caller_identity()["Arn"])


IMDS_TOKEN = "imds-session-token"
ECS_AUTHORIZATION = "ecs-authorization-token"
SSO_TOKEN = "sso-access-token"


class Quiet(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def metadata_handler(token_delay, access_key):
    class Metadata(Quiet):
        def do_PUT(self):
            if self.path != "/latest/api/token" or not self.headers.get("x-aws-ec2-metadata-token-ttl-seconds"):
                return self.answer(400, "")
            if token_delay:
                time.sleep(token_delay)  # the hop limit drops the answer: it never arrives in time
            self.answer(200, IMDS_TOKEN, "text/plain")

        def do_GET(self):
            token = self.headers.get("x-aws-ec2-metadata-token")
            if not token_delay and token != IMDS_TOKEN:
                return self.answer(401, "")
            if self.path == "/latest/meta-data/iam/security-credentials/":
                return self.answer(200, "audit-instance-role", "text/plain")
            if self.path == "/latest/meta-data/iam/security-credentials/audit-instance-role":
                return self.answer(200, json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": access_key,
                                                    "SecretAccessKey": "imds-secret/" + access_key, "Token": "imds-token-" + access_key,
                                                    "Expiration": expiration(), "LastUpdated": expiration(0)}))
            self.answer(404, "")
    return Metadata


class Container(Quiet):
    def do_GET(self):
        if self.path != "/credentials" or self.headers.get("Authorization") != ECS_AUTHORIZATION:
            return self.answer(401, json.dumps({"message": "unauthorized"}))
        self.answer(200, json.dumps({"AccessKeyId": "ASIAECSTASKROLE00001", "SecretAccessKey": "ecs-secret",
                                     "Token": "ecs-session-token", "Expiration": expiration(),
                                     "RoleArn": "arn:aws:iam::111122223333:role/ecs-task"}))


class Portal(Quiet):
    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if (url.path != "/federation/credentials" or self.headers.get("x-amz-sso_bearer_token") != SSO_TOKEN
                or query.get("account_id") != ["111122223333"] or query.get("role_name") != ["Auditor"]):
            return self.answer(401, json.dumps({"message": "Session token not found or invalid"}))
        self.answer(200, json.dumps({"roleCredentials": {
            "accessKeyId": "ASIASSOAUDITOR000001", "secretAccessKey": "sso-secret", "sessionToken": "sso-session-token",
            "expiration": int((time.time() + 3600) * 1000)}}))


def serve():
    from moto.server import ThreadedMotoServer
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    ports = {"sts": moto.get_host_and_port()[1]}
    handlers = {"imds": metadata_handler(0, "ASIAINSTANCEROLEV2001"), "imds_hop": metadata_handler(2.5, "ASIAINSTANCEROLEV1001"),
                "ecs": Container, "sso": Portal}
    for name, handler in handlers.items():
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        ports[name] = server.server_address[1]
    print(json.dumps(ports), flush=True)
    sys.stdin.read()
    moto.stop()


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "resolve":
        resolve(sys.argv[2] if len(sys.argv) > 2 else None)
    elif command == "identity":
        identity(*sys.argv[2:])
    elif command == "serve":
        serve()
    else:
        sys.exit(__doc__)
