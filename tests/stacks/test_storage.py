"""The data bucket: lifecycle, the S3 trigger of validation, access logging."""

from typing import Any

import pytest

from tests.stacks.helpers import canonical


@pytest.fixture(scope="module")
def storage(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return templates["storage.json"]


def test_processed_moves_to_glacier_after_90_days_whatever_its_size(
    storage: dict[str, Any],
) -> None:
    rules = storage["Resources"]["DataBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    (glacier,) = [r for r in rules if r.get("Transitions")]
    assert glacier["Status"] == "Enabled"
    assert glacier["Prefix"] == "processed/"
    assert glacier["Transitions"] == [{"StorageClass": "GLACIER", "TransitionInDays": 90}]
    # Without a size filter S3 skips objects under 128 KB; an explicit filter overrides that.
    assert int(glacier["ObjectSizeGreaterThan"]) < 1024


def test_staged_outputs_expire_after_a_day_with_every_version(storage: dict[str, Any]) -> None:
    rules = storage["Resources"]["DataBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    (staging,) = [r for r in rules if r.get("Prefix") == "staging/"]
    assert staging["Status"] == "Enabled"
    assert staging["ExpirationInDays"] == 1
    assert staging["NoncurrentVersionExpiration"] == {"NoncurrentDays": 1}
    assert staging["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}


def test_noncurrent_versions_expire(storage: dict[str, Any]) -> None:
    rules = storage["Resources"]["DataBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert any(r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays") for r in rules)


def test_raw_csv_uploads_trigger_validation(storage: dict[str, Any]) -> None:
    bucket = storage["Resources"]["DataBucket"]
    (config,) = bucket["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]
    assert config["Event"] == "s3:ObjectCreated:*"
    assert config["Function"] == {"Ref": "ValidationFunctionArn"}
    assert config["Filter"]["S3Key"]["Rules"] == [
        {"Name": "prefix", "Value": "raw/"},
        {"Name": "suffix", "Value": ".csv"},
    ]
    assert bucket["Properties"]["BucketName"] == {"Ref": "BucketName"}
    assert bucket["DependsOn"] == ["S3InvokeValidationPermission"]
    permission = storage["Resources"]["S3InvokeValidationPermission"]["Properties"]
    assert permission["Principal"] == "s3.amazonaws.com"
    assert permission["Action"] == "lambda:InvokeFunction"
    assert canonical(permission["SourceArn"]) == "arn:${AWS::Partition}:s3:::${BucketName}"
    assert canonical(permission["SourceAccount"]) == "${AWS::AccountId}"


def test_access_logs_go_to_a_separate_bucket(storage: dict[str, Any]) -> None:
    logging = storage["Resources"]["DataBucket"]["Properties"]["LoggingConfiguration"]
    assert logging["DestinationBucketName"] == {"Ref": "AccessLogBucket"}
    policy = storage["Resources"]["AccessLogBucketPolicy"]["Properties"]["PolicyDocument"]
    (delivery,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert delivery["Principal"] == {"Service": ["logging.s3.amazonaws.com"]}
    assert delivery["Action"] == ["s3:PutObject"]
