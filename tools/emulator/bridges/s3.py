"""S3 bridges: asynchronous notifications, versioned event records, bucket settings from
templates, conditional writes and the key length limit as AWS enforces them, and S3 through
Step Functions' AWS SDK integrations."""

from __future__ import annotations

import itertools
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote

from contract.keys import MAX_KEY_BYTES
from tools.emulator.bridges.awslambda import invoke_async
from tools.emulator.calls import AwsError, as_http_error
from tools.emulator.context import Bridge, Context


def async_notifications(ctx: Context) -> None:
    # Gap 2: moto delivers an S3 notification to Lambda synchronously inside the PutObject
    # request and swallows any error. AWS invokes asynchronously (PutObject returns at once)
    # and retries a failing async invocation twice. Deliver on a thread pool, with retries.
    from moto.s3 import notifications

    pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="s3-notify")

    def _invoke_async(account_id: str, body: Any, arn: str, region: str) -> None:
        if ctx.faults.lost(json.dumps(body, default=str)):  # a test's lost event (faults.py)
            return
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
        obj["sequencer"] = _next_sequencer()
        return body

    ctx.patch(notifications, "_get_s3_event", _get_s3_event)


_SEQUENCE = itertools.count()
_SEQUENCE_LOCK = threading.Lock()


def _next_sequencer() -> str:
    """Strictly increasing, as S3's are for one key: nanoseconds, then a counter (18 hex)."""
    with _SEQUENCE_LOCK:
        return f"{time.time_ns():014X}{next(_SEQUENCE) % 0x10000:04X}"


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


def _precondition_failed(condition: str) -> Exception:
    return as_http_error(
        "s3",
        AwsError(
            "PreconditionFailed",
            f"At least one of the pre-conditions you specified did not hold: {condition}",
            412,
        ),
    )


def _check_destination(backend: Any, bucket: str, key: str, headers: Any) -> None:
    """If-Match / If-None-Match against the key's current object, as S3 evaluates them."""
    if_match, if_none_match = headers.get("If-Match"), headers.get("If-None-Match")
    if not (if_match or if_none_match):
        return
    current = backend.get_object(bucket, key)
    etag = current.etag.strip('"') if current is not None else None
    if if_match and etag != if_match.strip('"'):
        raise (
            _precondition_failed("If-Match")
            if current
            else as_http_error(
                "s3", AwsError("NoSuchKey", "The specified key does not exist.", 404)
            )
        )
    if if_none_match == "*" and current is not None:
        raise _precondition_failed("If-None-Match")


def conditional_writes(ctx: Context) -> None:
    # Gap 26: moto checks PutObject's If-Match/If-None-Match, but not CopyObject's, nor
    # CompleteMultipartUpload's If-Match, and never atomically: its server serves requests
    # on threads, so two conditional writes of one key can both pass the check. AWS
    # evaluates the condition of PutObject, CopyObject and CompleteMultipartUpload atomically
    # with the write (412 PreconditionFailed for the loser). Serialise every object write
    # (PUT, POST, DELETE of a key) from the end of its authorization (so the call seam's
    # hooks, an injected latency included, run outside) to its answer, and check the
    # destination's condition inside.
    from moto.s3.responses import S3Response

    lock = threading.Lock()
    local = threading.local()
    auth = S3Response._authenticate_and_authorize_s3_action
    originals = {
        name: getattr(S3Response, name)
        for name in ("_key_response_put", "_key_response_post", "_key_response_delete")
    }

    def _auth(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = auth(self, *args, **kwargs)
        pending = getattr(local, "pending", None)
        if pending is not None and not getattr(local, "held", False):
            lock.acquire()
            local.held = True
            pending()
        return result

    def _serialised(name: str) -> Any:
        original = originals[name]

        def wrapper(self: Any, *args: Any) -> Any:
            query, key = args[-2], args[-1]
            bucket = args[-3] if name != "_key_response_put" else self.bucket_name

            def check() -> None:
                copying = "x-amz-copy-source" in self.headers and "partNumber" not in query
                completing = name == "_key_response_post" and query.get("uploadId")
                if copying or completing:
                    _check_destination(self.backend, bucket, key, self.headers)

            local.pending, local.held = check, False
            try:
                return original(self, *args)
            finally:
                local.pending = None
                if local.held:
                    local.held = False
                    lock.release()

        return wrapper

    ctx.patch(S3Response, "_authenticate_and_authorize_s3_action", _auth)
    for name in originals:
        ctx.patch(S3Response, name, _serialised(name))


def key_length_limit(ctx: Context) -> None:
    # Gap 27: moto stores a key of any length. AWS refuses to create an object whose key is
    # longer than 1,024 bytes of UTF-8 (KeyTooLongError, 400): PutObject, CopyObject,
    # CreateMultipartUpload. Refuse it the same way.
    from moto.s3.responses import S3Response

    put, post = S3Response._key_response_put, S3Response._key_response_post

    def _check(key: str) -> None:
        if len(key.encode()) > MAX_KEY_BYTES:
            raise as_http_error("s3", AwsError("KeyTooLongError", "Your key is too long", 400))

    def _put(self: Any, query: dict[str, Any], key_name: str) -> Any:
        _check(key_name)
        return put(self, query, key_name)

    def _post(
        self: Any, request: Any, body: bytes, bucket: str, query: dict[str, Any], key: str
    ) -> Any:
        _check(key)
        return post(self, request, body, bucket, query, key)

    ctx.patch(S3Response, "_key_response_put", _put)
    ctx.patch(S3Response, "_key_response_post", _post)


def sdk_integration(ctx: Context) -> None:
    # Gap 28: S3 through Step Functions' AWS SDK integration (arn:aws:states:::aws-sdk:s3:*).
    # (a) Error names: moto derives the service part from the API action ("copyObject.
    # copyObjectException"); AWS names S3 errors "S3.<Exception>" for a modelled one
    # (S3.NoSuchKeyException, also for HEAD's 404) and "S3.S3Exception" otherwise, with
    # "(Service: S3, Status Code: 412, ...)" in the Cause. (b) CopySource: AWS sends it as
    # the workflow gives it (the caller URL-encodes it), botocore encodes it once more.
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_aws_sdk as sdk,
    )

    cls = sdk.StateTaskServiceAwsSdk
    from_error, evaluate = cls._from_error, cls._eval_service_task

    def _from_error(self: Any, env: Any, ex: Exception) -> Any:
        event = from_error(self, env, ex)
        response = getattr(ex, "response", None)
        if self._get_boto_service_name() != "s3" or not isinstance(response, dict):
            return event
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        name = type(ex).__name__
        modelled = "NoSuchKey" if status == 404 else (name if name != "ClientError" else "S3")
        error = f"S3.{modelled.removesuffix('Exception')}Exception"
        details: Any = event.event_details
        cause = str(details["taskFailedEventDetails"]["cause"])
        return self._get_task_failure_event(env=env, error=error, cause=_service_s3(cause))

    def _eval(self: Any, *args: Any, normalised_parameters: dict[str, Any], **kwargs: Any) -> Any:
        source = normalised_parameters.get("CopySource")
        if self._get_boto_service_name() == "s3" and isinstance(source, str):
            normalised_parameters = {**normalised_parameters, "CopySource": unquote(source)}
        call: Any = evaluate
        return call(self, *args, normalised_parameters=normalised_parameters, **kwargs)

    ctx.patch(cls, "_from_error", _from_error)
    ctx.patch(cls, "_eval_service_task", _eval)


def _service_s3(cause: str) -> str:
    """moto's Cause names the API action as the service; AWS names the service."""
    head, sep, details = cause.rpartition(" (Service: ")
    if not sep:
        return cause
    return f"{head} (Service: S3, {details.split(', ', 1)[1] if ', ' in details else details}"


BRIDGES: tuple[Bridge, ...] = (
    async_notifications,
    event_version_id,
    bucket_properties,
    conditional_writes,
    key_length_limit,
    sdk_integration,
)
