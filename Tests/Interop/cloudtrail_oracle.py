"""What AWS's own tools say about trails, for the trail tests to compare against.

    cloudtrail_oracle.py shapes ARGS.json     create-trail, get-trail, describe-trails answers from moto's
                                              CloudTrail (botocore-parsed, as aws-cli prints them)
    cloudtrail_oracle.py names NAME...        moto's InvalidTrailNameException message per name ("ok" if accepted)
    cloudtrail_oracle.py params PARAMS.json   botocore's client-side validation report for PutEventSelectors
                                              ("ok" if it passes)
"""
import json
import sys

import boto3
import botocore.session
from botocore.validate import ParamValidator
from moto import mock_aws


def client(service):
    return boto3.client(service, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def shapes(path):
    args = json.load(open(path))
    with mock_aws():
        client("s3").create_bucket(Bucket=args["S3BucketName"])
        cloudtrail = client("cloudtrail")
        created = cloudtrail.create_trail(**args)
        created.pop("ResponseMetadata")
        got = cloudtrail.get_trail(Name=args["Name"])
        got.pop("ResponseMetadata")
        described = cloudtrail.describe_trails()
        described.pop("ResponseMetadata")
        print(json.dumps({"create": created, "get": got, "describe": described}))


def names(values):
    answers = {}
    with mock_aws():
        client("s3").create_bucket(Bucket="oracle-bucket")
        cloudtrail = client("cloudtrail")
        for name in values:
            try:
                cloudtrail.create_trail(Name=name, S3BucketName="oracle-bucket")
                answers[name] = "ok"
            except cloudtrail.exceptions.ClientError as error:
                answers[name] = error.response["Error"]["Code"] + ": " + error.response["Error"]["Message"]
    print(json.dumps(answers))


def params(path):
    model = botocore.session.get_session().get_service_model("cloudtrail").operation_model("PutEventSelectors")
    report = ParamValidator().validate(json.load(open(path)), model.input_shape)
    print(report.generate_report() if report.has_errors() else "ok")


if __name__ == "__main__":
    {"shapes": lambda: shapes(sys.argv[2]), "names": lambda: names(sys.argv[2:]), "params": lambda: params(sys.argv[2])}[sys.argv[1]]()
