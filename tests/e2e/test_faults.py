"""The promise under overwrites and AWS faults, on the real templates and code (docs/pipeline.md).

Each test injects faults at the AWS-call level (tools/emulator/api_faults.py) or the Lambda
level, and the invariant checker (conftest) judges every upload afterwards; a test waives
only the verdicts it breaks on purpose and asserts those itself.
"""

from __future__ import annotations

import json
import time

import boto3
import pytest

from contract.keys import MAX_KEY_BYTES, SHORTENED_MARK, FileKeys
from tests.e2e.conftest import Pipeline, csv_bytes
from tools import chaos

pytestmark = pytest.mark.e2e

OLD = csv_bytes(["T1,C1,1.00,2024-11-01T00:00:00Z"])
NEW = csv_bytes(["T1,C1,2.00,2024-11-02T00:00:00Z", "T2,C2,3.00,2024-11-02T00:00:00Z"])
INVALID = csv_bytes(["T1,C1,10.00,2024-02-30T08:00:00Z"])


def _execution(pipeline: Pipeline, index: int = -1) -> dict[str, object]:
    arn = pipeline.execution_arn(pipeline.uploads[index])
    return dict(boto3.client("stepfunctions").describe_execution(executionArn=arn))


def _wait_for(condition: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)


def test_older_upload_finishing_last_is_superseded_not_written(
    pipeline: Pipeline, prefix: str
) -> None:
    key = f"{prefix}overwrite.csv"
    processed = FileKeys.of(key).processed
    # The first upload's output write is held until the second upload's output is in place,
    # so the first one's If-None-Match loses, it reads the holder again and finds it newer.
    slow = pipeline.api_faults.inject(
        service="s3",
        operation="PutObject",
        key_contains=processed,
        times=1,
        latency=120.0,
        until=lambda: pipeline.exists(processed),
        only_latency=True,
    )
    pipeline.upload(key, OLD)
    _wait_for(lambda: slow.hits == 1)
    pipeline.upload(key, NEW)

    statuses = pipeline.finish()

    assert slow.hits == 1 and set(statuses.values()) == {"SUCCEEDED"}
    assert b"2.00" in pipeline.read(processed)  # the newest upload's output
    old, new = (i["status"] for i in sorted(pipeline.items(key), key=lambda i: i["sequencer"]))
    assert (old, new) == ("SUPERSEDED", "SUCCEEDED")
    assert pipeline.messages_for(key) == []


def test_valid_then_invalid_upload_of_one_key_keeps_the_last_good_output(
    pipeline: Pipeline, prefix: str
) -> None:
    key = f"{prefix}then-bad.csv"
    pipeline.upload(key, OLD)
    pipeline.finish()
    pipeline.upload(key, INVALID)
    pipeline.finish()

    keys = FileKeys.of(key)
    assert b"1.00" in pipeline.read(keys.processed)
    assert pipeline.read(keys.failed) == INVALID
    time.sleep(0.2)
    (message,) = pipeline.messages_for(key)
    assert message["message"]["version_id"] == pipeline.uploads[1].version_id


def test_record_start_throttled_past_its_retries_still_processes_and_records(
    pipeline: Pipeline, prefix: str
) -> None:
    key = f"{prefix}start-throttled.csv"
    # 11 refusals: the first try and all 10 retries of RecordStart.
    pipeline.api_faults.inject(service="dynamodb", operation="PutItem", key_contains=key, times=11)
    pipeline.upload(key, OLD)

    pipeline.finish()

    execution = _execution(pipeline)
    assert (execution["status"], execution.get("error")) == ("FAILED", "BookkeepingFailed")
    # The outcome update created the complete item: the invariant checker finds it exact.
    (item,) = pipeline.items(key)
    assert item["status"] == "SUCCEEDED" and item["rows_total"] == 1


def test_outcome_record_lost_leaves_the_data_outcome_and_alarms_bookkeeping(
    pipeline: Pipeline, prefix: str
) -> None:
    key = f"{prefix}record-lost.csv"
    pipeline.api_faults.inject(service="dynamodb", operation="UpdateItem", key_contains=key)
    pipeline.upload(key, OLD, waived=("outcome", "record"))

    pipeline.finish()

    execution = _execution(pipeline)
    assert (execution["status"], execution.get("error")) == ("FAILED", "BookkeepingFailed")
    (item,) = pipeline.items(key)
    assert item["status"] == "PROCESSING"  # a sweep completes it from processed/'s metadata
    assert b"1.00" in pipeline.read(FileKeys.of(key).processed)
    assert pipeline.messages_for(key) == []  # a processed file is never reported as failed


def test_sns_down_keeps_the_data_error_on_the_record(pipeline: Pipeline, prefix: str) -> None:
    key = f"{prefix}sns-down.csv"
    # Every Publish: the seam sees no body of a query-protocol call (moto parsed it already),
    # and tests run one at a time.
    pipeline.api_faults.inject(service="sns", operation="Publish")
    pipeline.upload(key, INVALID, waived=("notification",))

    pipeline.finish()

    execution = _execution(pipeline)
    assert (execution["status"], execution.get("error")) == ("FAILED", "BookkeepingFailed")
    (item,) = pipeline.items(key)
    assert item["status"] == "FAILED" and "2024-02-30" in item["error_message"]
    assert pipeline.messages_for(key) == []


def test_broken_validation_function_still_quarantines_through_step_functions(
    pipeline: Pipeline, prefix: str
) -> None:
    key = f"{prefix}bad-deploy.csv"
    pipeline.emulator.faults.inject("validation", times=100, key_contains=f'"key": "{key}"')
    pipeline.upload(key, OLD, quarantined=True)

    pipeline.finish()

    assert _execution(pipeline)["status"] == "FAILED"  # PipelineFailed: ExecutionsFailed alarm
    keys = FileKeys.of(key)
    assert pipeline.read(keys.failed) == OLD
    report = json.loads(pipeline.read(keys.error_report))
    assert (report["stage"], report["outcome"]) == ("validation", "quarantined")
    assert "InjectedFault" in report["error"]


def test_longest_legal_key_gets_a_legal_report_key(pipeline: Pipeline, prefix: str) -> None:
    stem = prefix + "x" * (MAX_KEY_BYTES - len(prefix.encode()) - len(".csv"))
    key = stem + ".csv"
    assert len(key.encode()) == MAX_KEY_BYTES
    pipeline.upload(key, INVALID)

    pipeline.finish()

    report_key = FileKeys.of(key).error_report
    assert SHORTENED_MARK in report_key and len(report_key.encode()) <= MAX_KEY_BYTES
    assert json.loads(pipeline.read(report_key))["file"] == key


def test_emulator_refuses_a_key_over_1024_bytes_as_s3_does(pipeline: Pipeline) -> None:
    with pytest.raises(boto3.client("s3").exceptions.ClientError, match="KeyTooLongError"):
        boto3.client("s3").put_object(Bucket=pipeline.bucket, Key="raw/" + "x" * 1021, Body=b"")


def test_chaos_smoke_every_upload_reaches_its_one_correct_outcome(
    pipeline: Pipeline, prefix: str
) -> None:
    # GIVEN 24 uploads (new keys, re-uploads with other content, valid and invalid) while 10 %
    # of the pipeline's AWS calls fail transiently (the checker judges each one afterwards)
    pipeline.api_faults.reseed(2)
    chaos.inject_faults(pipeline.api_faults, 0.1)
    fired = len(pipeline.api_faults.fired)
    for key, body in chaos.plan(2, 24, prefix=prefix.removeprefix("raw/")):
        pipeline.upload(key, body)

    statuses = pipeline.finish(timeout=120)

    assert set(statuses.values()) == {"SUCCEEDED"}
    assert len(pipeline.api_faults.fired) > fired  # faults really hit the pipeline
