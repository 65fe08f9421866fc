"""KMS bridge: the gap on plain moto 5.2.5, then the bridge closing it."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from tests.tools.emulator.helpers import REGION, create_stack
from tools.emulator import Emulator

KMS_TEMPLATE = {
    "Resources": {
        "Key": {
            "Type": "AWS::KMS::Key",
            "Properties": {
                "KeyPolicy": {"Version": "2012-10-17", "Statement": []},
                "Tags": [{"Key": "Project", "Value": "ETL-Pipeline"}],
            },
        }
    }
}


def test_gap_13_kms_key_tags_from_a_template(emu: Emulator) -> None:
    with mock_aws(), pytest.raises(Exception, match="TagKey"):
        create_stack(KMS_TEMPLATE)
    with emu.bridged(), mock_aws():
        create_stack(KMS_TEMPLATE)
        kms = boto3.client("kms", region_name=REGION)
        (key,) = kms.list_keys()["Keys"]
        tags = kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]
    assert tags == [{"TagKey": "Project", "TagValue": "ETL-Pipeline"}]
