"""Lambda bridges: run the deployed zip, and deliver failed async events to the function's DLQ
as Lambda does (the event as the body, with RequestID, ErrorCode and ErrorMessage)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from tools.emulator.calls import AwsError
from tools.emulator.context import Bridge, Context
from tools.emulator.iam.requests import send_message_requests
from tools.emulator.invocations import Invocation
from tools.emulator.lambda_workers import runtime_error
from tools.emulator.principals import Kind, Principal


def run_deployed_code(ctx: Context) -> None:
    # Gap 1: moto runs Lambda code only in Docker (LambdaFunction._invoke_lambda starts a
    # container; without Docker every invocation returns "error running docker").
    # _invoke_lambda is the one seam that API Invoke, Step Functions lambda:invoke tasks and
    # S3 notifications all go through, so it runs the deployed zip here instead: a warm
    # worker process per function (tools/emulator/lambda_workers.py), the zip extracted as
    # its code root, its environment variables set, errors returned in Lambda's payload
    # shape so Step Functions Retry/Catch see the errorType.
    from moto.awslambda.models import LambdaFunction

    def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
        return invoke(ctx, self, {} if event is None else event)

    ctx.patch(LambdaFunction, "_invoke_lambda", _invoke_lambda)


def invoke(ctx: Context, fn: Any, event: Any) -> tuple[str, bool, str]:
    """Run one invocation (or its injected fault) and log it: (payload, errored, logs)."""
    event_json = json.dumps(event, default=str)
    started = time.monotonic()
    fault = ctx.faults.take(str(fn.function_name), str(fn.handler), event_json)
    if fault is not None:
        ok, payload, logs = False, runtime_error(fault.error_type, "injected by a test"), ""
    else:
        ok, payload, logs = ctx.runtimes.get(fn).invoke(event)
    duration = time.monotonic() - started
    ctx.invocations.record(Invocation(str(fn.function_name), event, ok, payload, duration))
    if logs:
        fn.logs_backend.ensure_log_group(fn.logs_group_name)
        fn.save_logs(logs)
    return payload, not ok, logs


def invoke_async(ctx: Context, account_id: str, region: str, arn: str, event: Any) -> None:
    """An asynchronous invocation as Lambda runs it: up to 2 retries, then the DLQ."""
    from moto.awslambda.utils import get_backend

    payload = ""
    for attempt in range(3):  # the first try and Lambda's 2 async retries
        if attempt:
            ctx.sleep(60 * attempt)  # AWS waits ~1 min, then ~2 min
        try:
            fn = get_backend(account_id, region).get_function(arn)
        except Exception:  # the function is gone: AWS drops the event too
            return
        payload, errored, _ = fn._invoke_lambda(event=json.loads(json.dumps(event)))
        if not errored:
            return
    send_to_dead_letter_queue(ctx, fn, event, payload)


#: How much of the error message Lambda keeps in the DLQ message's ErrorMessage attribute.
ERROR_MESSAGE_BYTES = 1024


def dead_letter_message(event: Any, error_payload: str) -> tuple[str, dict[str, Any]]:
    """The message Lambda sends to a function's DLQ: the event as its body, and why.

    Attributes (Lambda "Dead-letter queues"): RequestID (String), the failed invocation's
    request id; ErrorCode (Number), the 3-digit HTTP status of the invocation (200: the
    function itself failed); ErrorMessage (String), the first 1 KB of the error message.
    """
    try:
        error = json.loads(error_payload)
    except json.JSONDecodeError:
        error = {}
    error = error if isinstance(error, dict) else {}
    message = str(error.get("errorMessage") or error.get("errorType") or "Unhandled")
    attributes = {
        "RequestID": {
            "DataType": "String",
            "StringValue": str(error.get("requestId") or uuid.uuid4()),
        },
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {
            "DataType": "String",
            "StringValue": message.encode()[:ERROR_MESSAGE_BYTES].decode(errors="ignore"),
        },
    }
    return json.dumps(event), attributes


def send_to_dead_letter_queue(ctx: Context, fn: Any, event: Any, error_payload: str) -> None:
    """What Lambda does with an async event that failed every attempt: the DLQ message.

    Lambda sends it with the function's execution role, so the role needs sqs:SendMessage
    on the queue (and the key of an encrypted queue); without it the event is lost (AWS
    counts it in DeadLetterErrors), and the IAM ledger shows the denial.
    """
    from moto.sqs.models import sqs_backends

    target = getattr(fn, "emulator_dead_letter_arn", None)
    if not target:
        return
    if ctx.iam is not None:
        caller = Principal(Kind.FUNCTION, str(fn.function_name), str(fn.role))
        session = ctx.principals.credentials(caller).arn
        try:
            ctx.iam.check(caller, session, "sqs", "SendMessage",
                          lambda: send_message_requests(target))  # fmt: skip
        except AwsError:
            return
    _, _, _, region, account, queue = target.split(":", 5)
    body, attributes = dead_letter_message(event, error_payload)
    sqs_backends[account][region].send_message(queue, body, message_attributes=attributes)


def dead_letter_config(ctx: Context) -> None:
    # Gap 15: moto's Lambda ignores DeadLetterConfig, so an S3 event whose async invocation
    # failed every retry vanishes. AWS sends it to the dead-letter queue (docs/pipeline.md §1: nothing
    # is dropped). Remember the target from the template; invoke_async delivers to it.
    from moto.awslambda.models import LambdaFunction

    create = LambdaFunction.create_from_cloudformation_json

    def _create(cls: Any, name: str, cfn: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        fn = create.__func__(cls, name, cfn, *args, **kwargs)  # type: ignore[attr-defined]
        dead_letter = cfn.get("Properties", {}).get("DeadLetterConfig") or {}
        fn.emulator_dead_letter_arn = dead_letter.get("TargetArn")
        return fn

    ctx.patch(LambdaFunction, "create_from_cloudformation_json", classmethod(_create))


BRIDGES: tuple[Bridge, ...] = (run_deployed_code, dead_letter_config)
