"""The sweeper heals what the trigger left: lost events, dead-lettered starts, stranded files.

Each test leaves an upload under raw/ with nothing running for it, runs the sweeper over the
test's prefix (as its schedule would, with an age threshold of 0), and the invariant checker
(conftest) then finds the upload's one correct outcome (docs/pipeline.md §9).
"""

from __future__ import annotations

import boto3
import pytest

from contract.keys import FileKeys
from tests.e2e.conftest import Pipeline, csv_bytes
from tools import local, redrive

pytestmark = pytest.mark.e2e

VALID = csv_bytes(["T1,C1,1.00,2024-11-01T09:02:11Z", "T2,C2,2.50,2024-11-01T10:00:00Z"])


def _raw_versions(pipeline: Pipeline, key: str) -> list[str]:
    listed = boto3.client("s3").list_object_versions(Bucket=pipeline.bucket, Prefix=key)
    return [v["VersionId"] for v in listed.get("Versions", []) if v["Key"] == key]


def test_a_lost_s3_event_is_started_by_the_sweeper(pipeline: Pipeline, prefix: str) -> None:
    key = pipeline.upload(f"{prefix}lost.csv", VALID, lose_event=True)
    assert pipeline.emulator.invocations("validation", key) == []  # the event never came
    assert pipeline.latest_attempt(pipeline.uploads[0]) == ""

    swept = pipeline.sweep(prefix)

    assert (swept["examined"], swept["started"], swept["in_flight"]) == (1, 1, 0)
    assert pipeline.wait([key])[key].status == "SUCCEEDED"
    (item,) = pipeline.items(key)
    assert item["sequencer"] == ""  # S3 has no API for a lost event's sequencer (§9)
    # A sweep after the file finished finds nothing left; one right after, nothing new.
    assert pipeline.sweep(prefix)["examined"] == 0


def test_a_dead_lettered_start_heals_and_redrive_then_starts_nothing(
    pipeline: Pipeline, prefix: str
) -> None:
    folder = prefix.split("/")[1]  # S3 events carry the key URL-encoded ("/" is %2F)
    pipeline.emulator.faults.inject("validation", times=3, key_contains=folder)  # 3 attempts
    # The event (and its sequencer) waits in the DLQ, out of the sweeper's sight: the sweep
    # starts the upload without it, so its item records "" (pipeline.md §9), asserted here.
    key = pipeline.upload(f"{prefix}dead-lettered.csv", VALID, waived=("record",))
    _wait_for_dead_letter(pipeline, key)

    assert pipeline.sweep(prefix)["started"] == 1
    assert pipeline.wait([key])[key].status == "SUCCEEDED"
    (item,) = pipeline.items(key)
    assert item["sequencer"] == "" and item["rows_total"] == 2

    done = redrive.redrive(local.STACK_NAME, pipeline.emulator.region)

    assert len(done.replayed) == 1 and done.failed == {}  # accepted: its execution exists
    assert len(pipeline.items(key)) == 1  # one upload, one attempt, one item


def test_a_stranded_file_gets_a_second_attempt(pipeline: Pipeline, prefix: str) -> None:
    # GIVEN an execution that ended with its version still under raw/: the validation
    # function kept failing, and so did S3 when the workflow quarantined the file
    key = f"{prefix}stranded.csv"
    broken = pipeline.emulator.faults.inject("validation", times=100, key_contains=key)
    copy = pipeline.api_faults.inject(
        service="s3", operation="CopyObject", key_contains=FileKeys.of(key).failed
    )
    pipeline.upload(key, VALID)
    assert pipeline.finish()[key] == "FAILED"  # PipelineFailed, notified once
    assert _raw_versions(pipeline, key) == [pipeline.uploads[0].version_id]
    (first,) = pipeline.items(key)
    assert first["status"] == "FAILED" and first["sequencer"]
    # WHEN the causes are fixed and the sweeper runs
    broken.times, copy.times = broken.used, copy.hits
    swept = pipeline.sweep(prefix)

    # THEN attempt 1 finishes the file, with the sequencer attempt 0 recorded
    assert swept["started"] == 1
    assert pipeline.wait([key])[key].status == "SUCCEEDED"
    items = sorted(pipeline.items(key), key=lambda i: i["process_start_time"])
    assert [i["status"] for i in items] == ["FAILED", "SUCCEEDED"]
    assert items[1]["sequencer"] == first["sequencer"]
    assert items[1]["execution_arn"] == pipeline.latest_attempt(pipeline.uploads[0])
    assert _raw_versions(pipeline, key) == []
    assert pipeline.sweep(prefix)["examined"] == 0


def _wait_for_dead_letter(pipeline: Pipeline, key: str) -> None:
    sqs = boto3.client("sqs")
    queue = pipeline.outputs["ValidationDeadLetterQueueUrl"]
    for _ in range(200):
        attributes = sqs.get_queue_attributes(
            QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        if int(attributes["ApproximateNumberOfMessages"]):
            return
        pipeline.emulator.context.real_sleep(0.05)
    raise AssertionError(f"the event of {key} never reached the dead-letter queue")
