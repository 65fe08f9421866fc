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
