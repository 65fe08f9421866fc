"""S3 bridges: each gap on plain moto 5.2.5, then the bridge closing it.

A test whose first half fails means moto changed: re-check the bridge (it may be obsolete).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

import boto3
from moto import mock_aws

from tests.tools.emulator.helpers import REGION, create_function, create_stack
from tools.emulator import Emulator
from tools.emulator.bridges.awslambda import invoke_async


def _notification_thread() -> str:
    """Name of the thread that runs the function an S3 upload triggers."""
    from moto.awslambda.models import LambdaFunction

    seen: list[str] = []
    original = LambdaFunction._invoke_lambda

    def recording(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread().name)
        return original(self, *args, **kwargs)

    arn = create_function()
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="gap2")
    s3.put_bucket_notification_configuration(
        Bucket="gap2",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    LambdaFunction._invoke_lambda = recording  # type: ignore[method-assign]
    try:
        s3.put_object(Bucket="gap2", Key="raw/x.csv", Body=b"x")
        for _ in range(100):
            if seen:
                break
            time.sleep(0.02)
    finally:
        LambdaFunction._invoke_lambda = original  # type: ignore[method-assign]
    return seen[0]


def test_gap_2_s3_notification_invokes_asynchronously(emu: Emulator) -> None:
    with mock_aws():
        assert _notification_thread() == threading.current_thread().name  # inside PutObject
    with emu.bridged(), mock_aws():
        assert _notification_thread().startswith("s3-notify")


def test_gap_2_a_failing_async_invocation_is_retried_twice_after_scaled_waits(
    emu: Emulator,
) -> None:
    # GIVEN a function that fails three times: the first try and Lambda's two async retries
    waits: list[float] = []
    recording = dataclasses.replace(emu.context, real_sleep=waits.append)
    emu.faults.inject("minifn", times=3)
    with emu.bridged(), mock_aws():
        arn = create_function()
        # WHEN S3 delivers one event asynchronously
        invoke_async(recording, "123456789012", REGION, arn, {"Records": []})

    # THEN the event ran three times, after AWS's ~1 and ~2 minutes scaled by time_scale
    assert [i.ok for i in emu.invocations("f")] == [False, False, False]
    assert waits == [60 * emu.time_scale, 120 * emu.time_scale]


def test_gap_3_s3_event_carries_the_version_id(emu: Emulator) -> None:
    from moto.s3 import notifications
    from moto.s3.models import s3_backends

    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="gap3")
        s3.put_bucket_versioning(Bucket="gap3", VersioningConfiguration={"Status": "Enabled"})
        version = s3.put_object(Bucket="gap3", Key="raw/x.csv", Body=b"x")["VersionId"]
        backend = s3_backends["123456789012"]["aws"]
        bucket, key = backend.get_bucket("gap3"), backend.get_object("gap3", "raw/x.csv")
        raw = notifications._get_s3_event("s3:ObjectCreated:Put", bucket, key, "id")
        with emu.bridged():
            fixed = notifications._get_s3_event("s3:ObjectCreated:Put", bucket, key, "id")

    assert "versionId" not in raw["Records"][0]["s3"]["object"]
    assert fixed["Records"][0]["s3"]["object"]["versionId"] == version


BUCKET_TEMPLATE = {
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketName": "gap4",
                "VersioningConfiguration": {"Status": "Enabled"},
                "NotificationConfiguration": {
                    "QueueConfigurations": [
                        {
                            "Event": "s3:ObjectCreated:*",
                            "Queue": {"Fn::GetAtt": ["Queue", "Arn"]},
                            "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".csv"}]}},
                        }
                    ]
                },
            },
        },
    }
}


def _bucket_settings() -> tuple[str | None, list[Any]]:
    create_stack(BUCKET_TEMPLATE)
    s3 = boto3.client("s3", region_name=REGION)
    versioning = s3.get_bucket_versioning(Bucket="gap4").get("Status")
    queues = s3.get_bucket_notification_configuration(Bucket="gap4").get("QueueConfigurations", [])
    return versioning, queues


def test_gap_4_bucket_keeps_versioning_and_notifications_from_the_template(emu: Emulator) -> None:
    with mock_aws():
        assert _bucket_settings() == (None, [])
    with emu.bridged(), mock_aws():
        versioning, queues = _bucket_settings()
    assert versioning == "Enabled"
    assert queues[0]["Events"] == ["s3:ObjectCreated:*"]
    assert queues[0]["Filter"]["Key"]["FilterRules"] == [{"Name": "suffix", "Value": ".csv"}]


def _bucket() -> Any:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="gap17")
    s3.put_object(Bucket="gap17", Key="src", Body=b"source")
    s3.put_object(Bucket="gap17", Key="dest", Body=b"held")
    return s3


def _refused(call: Any) -> str:
    try:
        call()
    except s3_client_error as exc:
        return str(exc.response["Error"]["Code"])
    return "written"


s3_client_error = boto3.client("s3", region_name=REGION).exceptions.ClientError


def _conditional_copy_and_complete() -> tuple[str, str]:
    s3 = _bucket()
    copy = _refused(
        lambda: s3.copy_object(Bucket="gap17", Key="dest", CopySource="gap17/src", IfNoneMatch="*")
    )
    upload = s3.create_multipart_upload(Bucket="gap17", Key="dest")["UploadId"]
    etag = s3.upload_part(Bucket="gap17", Key="dest", UploadId=upload, PartNumber=1, Body=b"p")[
        "ETag"
    ]
    complete = _refused(
        lambda: s3.complete_multipart_upload(
            Bucket="gap17",
            Key="dest",
            UploadId=upload,
            MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]},
            IfMatch='"not-its-etag"',
        )
    )
    return copy, complete


def test_gap_26a_copy_and_complete_honour_their_conditions(emu: Emulator) -> None:
    with mock_aws():
        assert _conditional_copy_and_complete() == ("written", "written")
    with emu.bridged(), mock_aws():
        assert _conditional_copy_and_complete() == ("PreconditionFailed", "PreconditionFailed")


def _racing_creates(slow: Any) -> list[str]:
    """Two If-None-Match: * writes of one key, the store slowed so both pass moto's check."""
    from moto.s3.models import S3Backend

    s3 = _bucket()
    original = S3Backend.put_object

    def slowed(self: Any, *args: Any, **kwargs: Any) -> Any:
        time.sleep(slow)
        return original(self, *args, **kwargs)

    results: list[str] = []
    S3Backend.put_object = slowed  # type: ignore[method-assign]
    try:
        threads = [
            threading.Thread(
                target=lambda: results.append(
                    _refused(
                        lambda: s3.put_object(Bucket="gap17", Key="new", Body=b"x", IfNoneMatch="*")
                    )
                )
            )
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        S3Backend.put_object = original  # type: ignore[method-assign]
    return sorted(results)


def test_gap_26b_a_conditional_write_is_atomic(emu: Emulator) -> None:
    with mock_aws():
        assert _racing_creates(0.3) == ["written", "written"]  # both "created" the key
    with emu.bridged(), mock_aws():
        assert _racing_creates(0.3) == ["PreconditionFailed", "written"]


def test_gap_27_keys_over_1024_bytes_are_refused(emu: Emulator) -> None:
    def put(length: int) -> str:
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="gap18")
        return _refused(lambda: s3.put_object(Bucket="gap18", Key="k" * length, Body=b""))

    with mock_aws():
        assert put(1025) == "written"
    with emu.bridged(), mock_aws():
        assert (put(1024), put(1025)) == ("written", "KeyTooLongError")


def _sdk_head_error_and_copy() -> tuple[str, bytes]:
    """The error a HeadObject of a missing key gives a workflow, and what a copy of an
    already URL-encoded CopySource (as AWS wants it) wrote."""
    import json

    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="gap19")
    s3.put_object(Bucket="gap19", Key="raw/a b.csv", Body=b"spaced")
    definition = {
        "StartAt": "Head",
        "States": {
            "Head": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:headObject",
                "Parameters": {"Bucket": "gap19", "Key": "missing"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Copy"}],
                "End": True,
            },
            "Copy": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:copyObject",
                "Parameters": {
                    "Bucket": "gap19",
                    "Key": "copy",
                    "CopySource": "gap19/raw/a%20b.csv",
                },
                "ResultPath": None,
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": None, "Next": "Done"}],
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machine = sfn.create_state_machine(
        name="gap19", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/r"
    )["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    for _ in range(200):
        described = sfn.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.05)
    error = json.loads(described.get("output", "{}")).get("error", {}).get("Error", "")
    try:
        copied = s3.get_object(Bucket="gap19", Key="copy")["Body"].read()
    except s3.exceptions.NoSuchKey:
        copied = b""
    return error, copied


def test_gap_28_s3_through_the_sdk_integration_as_aws_names_and_encodes_it(emu: Emulator) -> None:
    from moto.core.config import default_user_config

    saved = default_user_config.get("stepfunctions")
    with mock_aws():
        default_user_config["stepfunctions"] = {"execute_state_machine": True}
        try:
            error, copied = _sdk_head_error_and_copy()
        finally:
            default_user_config["stepfunctions"] = saved
        assert error != "S3.NoSuchKeyException" and copied == b""
    # the bridge's own effect, apart from IAM (the made-up role holds no policy)
    with Emulator(REGION, enforce_iam=False).bridged(), mock_aws():
        assert _sdk_head_error_and_copy() == ("S3.NoSuchKeyException", b"spaced")
