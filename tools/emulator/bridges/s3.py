"""S3 bridges: asynchronous notifications, versioned event records, bucket settings from templates."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tools.emulator.bridges.awslambda import invoke_async
from tools.emulator.context import Bridge, Context


def async_notifications(ctx: Context) -> None:
    # Gap 2: moto delivers an S3 notification to Lambda synchronously inside the PutObject
    # request and swallows any error. AWS invokes asynchronously (PutObject returns at once)
    # and retries a failing async invocation twice. Deliver on a thread pool, with retries.
    from moto.s3 import notifications

    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="s3-notify")

    def _invoke_async(account_id: str, body: Any, arn: str, region: str) -> None:
        pool.submit(invoke_async, ctx, account_id, region, arn, body)

    ctx.patch(notifications, "_invoke_awslambda", _invoke_async)


def event_version_id(ctx: Context) -> None:
    # Gap 3: moto's S3 event record has no object versionId nor sequencer. AWS sends both
    # for a versioned bucket, and the validation function derives the execution name from
    # the version, so two uploads of identical bytes are two files, not a duplicate.
    from moto.s3 import notifications

    build = notifications._get_s3_event

    def _get_s3_event(event_name: str, bucket: Any, key: Any, notification_id: str) -> Any:
        body = build(event_name, bucket, key, notification_id)
        obj = body["Records"][0]["s3"]["object"]
        if getattr(key, "version_id", None) and key.version_id != "null":
            obj["versionId"] = key.version_id
        obj["sequencer"] = f"{time.time_ns():X}"
        return body

    ctx.patch(notifications, "_get_s3_event", _get_s3_event)


def bucket_properties(ctx: Context) -> None:
    # Gap 4: AWS::S3::Bucket from a template keeps only BucketEncryption and Tags in moto;
    # NotificationConfiguration (the S3 -> Lambda trigger) and VersioningConfiguration are
    # dropped. Apply both after moto creates or updates the bucket, translated from the
    # CloudFormation shape to the shape moto's PutBucketNotificationConfiguration stores.
    from moto.s3.models import FakeBucket, s3_backends

    create, update = (
        FakeBucket.create_from_cloudformation_json,
        FakeBucket.update_from_cloudformation_json,
    )

    def _apply(bucket: Any, properties: dict[str, Any]) -> None:
        backend = s3_backends[bucket.account_id][bucket.partition]
        versioning = properties.get("VersioningConfiguration", {}).get("Status")
        if versioning:
            backend.put_bucket_versioning(bucket.name, versioning)
        notification = properties.get("NotificationConfiguration")
        if notification:
            backend.put_bucket_notification_configuration(
                bucket.name, _api_notification_config(notification)
            )

    def _create(cls: Any, resource_name: str, cfn: dict[str, Any], *args: Any, **kw: Any) -> Any:
        bucket = create.__func__(cls, resource_name, cfn, *args, **kw)  # type: ignore[attr-defined]
        _apply(bucket, cfn.get("Properties", {}))
        return bucket

    def _update(cls: Any, original: Any, name: str, cfn: dict[str, Any], *a: Any, **kw: Any) -> Any:
        bucket = update.__func__(cls, original, name, cfn, *a, **kw)  # type: ignore[attr-defined]
        _apply(bucket, cfn.get("Properties", {}))
        return bucket

    ctx.patch(FakeBucket, "create_from_cloudformation_json", classmethod(_create))
    ctx.patch(FakeBucket, "update_from_cloudformation_json", classmethod(_update))


def _api_notification_config(cfn: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation NotificationConfiguration -> moto's stored API shape."""

    def _one(item: dict[str, Any], target_key: str, api_key: str) -> dict[str, Any]:
        out: dict[str, Any] = {api_key: item[target_key], "Event": [item["Event"]]}
        rules = item.get("Filter", {}).get("S3Key", {}).get("Rules")
        if rules:
            out["Filter"] = {"S3Key": {"FilterRule": rules}}
        return out

    return {
        "CloudFunctionConfiguration": [
            _one(c, "Function", "CloudFunction") for c in cfn.get("LambdaConfigurations", [])
        ],
        "QueueConfiguration": [
            _one(c, "Queue", "Queue") for c in cfn.get("QueueConfigurations", [])
        ],
        "TopicConfiguration": [
            _one(c, "Topic", "Topic") for c in cfn.get("TopicConfigurations", [])
        ],
    }


BRIDGES: tuple[Bridge, ...] = (async_notifications, event_version_id, bucket_properties)
