#!/usr/bin/env python3
"""The shared aws-cli oracle, for organization trails.

aws-cli learns a trail's organization ID from describe-trails and describe-organization, which
it only calls when --s3-bucket is not given; the oracle always gives --s3-bucket, so aws-cli
would look for an organization trail's digests under the non-organization path. This wrapper
supplies the organization ID (TRAILPROOF_ORGANIZATION_ID) that describe-organization would have
returned, then runs the unchanged oracle and aws-cli code.
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("TRAILPROOF_SHARED_INTEROP", os.path.join(here, "..", "..", "..", "shared", "interop")))

import awscli_validate  # noqa: E402  (sets the oracle's environment defaults first)
from awscli.customizations.cloudtrail import validation  # noqa: E402

organization_id = os.environ["TRAILPROOF_ORGANIZATION_ID"]
original_init = validation.DigestProvider.__init__


def init_with_organization(self, *args, **kwargs):
    original_init(self, *args, **kwargs)
    self.organization_id = organization_id


validation.DigestProvider.__init__ = init_with_organization

if __name__ == "__main__":
    awscli_validate.main()
