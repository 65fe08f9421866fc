"""Read what the pipeline did: the metadata table, the bucket's prefixes, SNS notifications.

What ``make local`` and the e2e suite check after an upload, reusable by any command that
inspects a deployed pipeline: every metadata item, the keys under a prefix, each file's
outcome (``FileResult``, waiting for it with ``wait_for_outcomes``), and the notifications
captured by an SQS queue subscribed to the topic. Works against any endpoint.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer

from contract.keys import FAILED_PREFIX, PROCESSED_PREFIX, RAW_PREFIX, FileKeys
from contract.metadata import PARTITION_KEY, SORT_KEY, TERMINAL, Attr
from functions.common import attempts

#: How often ``wait_for_outcomes`` reads the table and the bucket again.
POLL_SECONDS = 0.25
#: Items a bounded Scan reads per request.
SCAN_PAGE = 1000


@dataclass
class FileResult:
    """What happened to one uploaded file."""

    key: str
    status: str = "MISSING"
    rows: int | None = None
    rejected: int | None = None
    outcome: str = ""
    duration: float | None = None
    error: str = ""
    problem: str = ""  # why this file counts as a pipeline failure ("" when fine)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_plain(v) for v in value]
    return value


@dataclass
class Items:
    """Metadata items as plain JSON values (by file key, then start time) and what reading
    them cost: ``scanned`` items read, ``truncated`` when a bounded Scan stopped early."""

    items: list[dict[str, Any]]
    scanned: int = 0
    truncated: bool = False


def _since_filter(since: str) -> dict[str, Any]:
    """The expression parts for ``process_start_time >= since`` (ISO 8601 UTC compares as text)."""
    return {
        "ExpressionAttributeNames": {"#start": SORT_KEY},
        "ExpressionAttributeValues": {":since": {"S": since}},
    }


def _read(pages: Any, max_scan: int | None = None) -> Items:
    deserialize = TypeDeserializer().deserialize
    found = Items([])
    for page in pages:
        found.items += [{k: _plain(deserialize(v)) for k, v in i.items()} for i in page["Items"]]
        found.scanned += int(page.get("ScannedCount", len(page["Items"])))
        if max_scan is not None and found.scanned >= max_scan and page.get("LastEvaluatedKey"):
            found.truncated = True
            break
    found.items.sort(key=lambda i: (i.get(PARTITION_KEY, ""), i.get(SORT_KEY, "")))
    return found


def scan_items(table: str, since: str = "", max_scan: int | None = None) -> Items:
    """The items started at or after ``since`` (all when ""): a paginated Scan, which reads
    (and bills) every item of the table whatever the filter; ``max_scan`` stops it after
    that many items read (``truncated``)."""
    args: dict[str, Any] = {"TableName": table}
    if max_scan is not None:  # pages no bigger than the bound (DynamoDB's Limit: items read)
        args["PaginationConfig"] = {"PageSize": max(1, min(max_scan, SCAN_PAGE))}
    if since:
        args |= {"FilterExpression": "#start >= :since", **_since_filter(since)}
    return _read(boto3.client("dynamodb").get_paginator("scan").paginate(**args), max_scan)


def query_items(table: str, key: str, since: str = "") -> Items:
    """Every attempt of one file (started at or after ``since``): a Query on the partition key,
    which reads only that file's items."""
    condition = "#file = :file" + (" AND #start >= :since" if since else "")
    parts = _since_filter(since) if since else {"ExpressionAttributeNames": {}, "ExpressionAttributeValues": {}}  # fmt: skip
    parts["ExpressionAttributeNames"]["#file"] = PARTITION_KEY
    parts["ExpressionAttributeValues"][":file"] = {"S": key}
    paginator = boto3.client("dynamodb").get_paginator("query")
    return _read(paginator.paginate(TableName=table, KeyConditionExpression=condition, **parts))


def metadata_items(table: str) -> list[dict[str, Any]]:
    """Every item of the metadata table as plain JSON values, by file key then start time."""
    return scan_items(table).items


def attempts_by_key(table: str) -> dict[str, list[dict[str, Any]]]:
    """The metadata items of each file key (one per attempt), oldest first."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for item in metadata_items(table):
        by_key.setdefault(item.get(PARTITION_KEY, ""), []).append(item)
    return by_key


def list_keys(bucket: str, prefix: str) -> list[str]:
    """Every object key under a prefix."""
    s3 = boto3.client("s3")
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


def seconds_between(start: str, end: str) -> float | None:
    """Seconds from one ISO 8601 time to another (None when either is missing or malformed)."""
    try:
        a = datetime.datetime.fromisoformat(start.replace("Z", "+00:00"))
        b = datetime.datetime.fromisoformat(end.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return (b - a).total_seconds()


def _finished(key: str, attempts: list[dict[str, Any]], raw: set[str]) -> bool:
    """Whether a file has left raw/ and its workflow recorded an end."""
    return key not in raw and any(i.get(Attr.STATUS) in TERMINAL for i in attempts)


def _problem(result: FileResult, attempts: int, still_raw: bool, places: list[str]) -> str:
    """Why a file's outcome breaks the pipeline's invariant; "" when it holds."""
    if result.status not in TERMINAL:
        return "no outcome recorded in time"
    if still_raw:
        return "still under raw/"
    if len(places) != 1:
        return f"expected exactly one outcome object, found {places or 'none'}"
    if attempts != 1:
        return f"{attempts} metadata items for one upload"
    return ""


def file_result(
    key: str, attempts: list[dict[str, Any]], raw: set[str], processed: set[str], failed: set[str]
) -> FileResult:
    """One file's outcome from its metadata items and the keys under raw/, processed/, failed/."""
    result = FileResult(key)
    file_keys = FileKeys.of(key)
    places = [p for p in file_keys.outcomes if p in processed | failed]
    if attempts:
        last = attempts[-1]
        result.status = str(last.get(Attr.STATUS, "?"))
        result.rows = last.get(Attr.ROWS_TOTAL)
        result.rejected = last.get(Attr.ROWS_REJECTED)
        result.error = str(last.get(Attr.ERROR_MESSAGE, ""))
        result.duration = seconds_between(
            str(last.get(SORT_KEY, "")), str(last.get(Attr.PROCESS_END_TIME, ""))
        )
    result.outcome = places[0] if len(places) == 1 else " + ".join(places)
    if file_keys.rejected in failed:
        result.outcome += f" (+ {file_keys.rejected})"
    result.problem = _problem(result, len(attempts), key in raw, places)
    return result


#: A file's state in ``Progress`` before the workflow recorded its first attempt.
WAITING = "WAITING"


@dataclass(frozen=True)
class Progress:
    """Where a set of uploads stands: files finished, and each file's newest status once."""

    total: int
    done: int
    states: dict[str, int]


def progress(keys: list[str], attempts: dict[str, list[dict[str, Any]]], raw: set[str]) -> Progress:
    """Count each file once, by its newest attempt (WAITING before its first)."""
    states: dict[str, int] = {}
    for key in keys:
        items = attempts.get(key, [])
        state = str(items[-1].get(Attr.STATUS, "?")) if items else WAITING
        states[state] = states.get(state, 0) + 1
    done = sum(_finished(k, attempts.get(k, []), raw) for k in keys)
    return Progress(len(keys), done, states)


def wait_for_outcomes(
    bucket: str,
    table: str,
    keys: list[str],
    timeout: float,
    on_poll: Callable[[Progress], None] | None = None,
) -> dict[str, FileResult]:
    """Poll until every key has a terminal metadata item and has left raw/ (or time runs out);
    ``on_poll`` sees the progress after every read."""
    deadline = time.monotonic() + timeout
    while True:
        attempts = attempts_by_key(table)
        raw = set(list_keys(bucket, RAW_PREFIX))
        now = progress(keys, attempts, raw)
        if on_poll is not None:
            on_poll(now)
        if now.done == now.total or time.monotonic() > deadline:
            break
        time.sleep(POLL_SECONDS)
    processed = set(list_keys(bucket, PROCESSED_PREFIX))
    failed = set(list_keys(bucket, FAILED_PREFIX))
    return {k: file_result(k, attempts.get(k, []), raw, processed, failed) for k in keys}


def subscribe_capture_queue(topic_arn: str) -> str:
    """An SQS queue subscribed to the topic, so every notification can be read back."""
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    url = sqs.create_queue(QueueName="local-notification-capture")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=arn)
    return str(url)


def _notification(envelope: dict[str, Any]) -> dict[str, Any]:
    """Subject, body (parsed when JSON) and time of one SNS message."""
    body = envelope.get("Message", "")
    try:
        parsed: Any = json.loads(body)
    except json.JSONDecodeError:
        parsed = body
    return {
        "subject": envelope.get("Subject"),
        "message": parsed,
        "timestamp": envelope.get("Timestamp"),
    }


def drain_notifications(queue_url: str) -> list[dict[str, Any]]:
    """Every SNS message delivered to the capture queue so far (subject, parsed body)."""
    sqs = boto3.client("sqs")
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            return found
        for message in batch:
            found.append(_notification(json.loads(message["Body"])))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def execution_arn(state_machine_arn: str, name: str) -> str:
    """The ARN of the execution ``name`` of a state machine."""
    return attempts.execution_arn(state_machine_arn, name)


def wait_for_executions(arns: list[str], timeout: float) -> dict[str, str]:
    """Poll until none of these executions is RUNNING (or not yet started); their statuses."""
    sfn = boto3.client("stepfunctions")
    deadline = time.monotonic() + timeout
    statuses: dict[str, str] = {}
    while True:
        for arn in arns:
            if statuses.get(arn, "RUNNING") == "RUNNING":
                try:
                    statuses[arn] = sfn.describe_execution(executionArn=arn)["status"]
                except sfn.exceptions.ExecutionDoesNotExist:
                    statuses[arn] = "RUNNING"
        if all(s != "RUNNING" for s in statuses.values()) or time.monotonic() > deadline:
            return statuses
        time.sleep(POLL_SECONDS)
