"""`make redrive`: what lands in the validation DLQ is exactly Lambda's message, and replays."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest

from tests.e2e.conftest import Pipeline, csv_bytes
from tools import local, redrive
from tools.emulator.bridges import awslambda

pytestmark = pytest.mark.e2e

VALID = csv_bytes(["T1,C1,1.00,2024-11-01T09:02:11Z"])


def _queued(pipeline: Pipeline) -> list[dict[str, Any]]:
    """The DLQ's messages, left in the queue (visible again at once)."""
    sqs = boto3.client("sqs")
    queue = pipeline.outputs["ValidationDeadLetterQueueUrl"]
    for _ in range(60):
        found = sqs.receive_message(
            QueueUrl=queue, MessageAttributeNames=["All"], VisibilityTimeout=0
        ).get("Messages", [])
        if found:
            return list(found)
        time.sleep(0.1)
    return []


def _executions_of(key: str) -> list[dict[str, Any]]:
    sfn = boto3.client("stepfunctions")
    found = []
    for machine in sfn.list_state_machines()["stateMachines"]:
        listed = sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
        described = [sfn.describe_execution(executionArn=e["executionArn"]) for e in listed]
        found += [d for d in described if json.loads(d["input"]).get("key") == key]
    return found


def test_an_event_that_cannot_start_lands_in_the_dlq_and_make_redrive_replays_it(
    pipeline: Pipeline, prefix: str
) -> None:
    folder = prefix.split("/")[1]  # S3 events carry the key URL-encoded ("/" is %2F)
    pipeline.emulator.faults.inject("validation", times=3, key_contains=folder)  # 3 attempts
    key = pipeline.upload(f"{prefix}stuck.csv", VALID)

    (message,) = _queued(pipeline)

    # Exactly what Lambda puts there: the S3 event as delivered, and why in three attributes.
    delivered = [i.event for i in pipeline.emulator.invocations("validation", folder)]
    assert len(delivered) == 3 and json.loads(message["Body"]) == delivered[0]
    attributes = message["MessageAttributes"]
    assert attributes["ErrorMessage"]["StringValue"] == "injected by a test"
    assert attributes["ErrorCode"] == {"DataType": "Number", "StringValue": "200"}
    assert attributes["RequestID"]["StringValue"]
    assert _executions_of(key) == []  # nothing started, nothing lost: the event is queued

    done = redrive.redrive(local.STACK_NAME, pipeline.emulator.region)

    assert (done.replayed, done.failed) == ([message["MessageId"]], {})
    assert pipeline.wait([key])[key].status == "SUCCEEDED"
    assert _queued(pipeline) == []  # deleted once replayed
    # Run twice (say, interrupted before the delete): the same event starts nothing new.
    boto3.client("sqs").send_message(
        QueueUrl=pipeline.outputs["ValidationDeadLetterQueueUrl"], MessageBody=message["Body"]
    )
    assert len(redrive.redrive(local.STACK_NAME, pipeline.emulator.region).replayed) == 1
    assert len(_executions_of(key)) == 1 and len(pipeline.items(key)) == 1


def test_a_replay_that_fails_again_keeps_its_message(pipeline: Pipeline, prefix: str) -> None:
    folder = prefix.split("/")[1]
    pipeline.emulator.faults.inject("validation", times=4, key_contains=folder)  # + the replay
    key = pipeline.upload(f"{prefix}still-stuck.csv", VALID)
    (message,) = _queued(pipeline)

    done = redrive.redrive_queue(
        pipeline.outputs["ValidationDeadLetterQueueUrl"],
        pipeline.outputs["ValidationFunctionName"],
    )

    assert done.replayed == [] and list(done.failed) == [message["MessageId"]]
    assert "injected by a test" in done.failed[message["MessageId"]]
    (kept,) = _queued(pipeline)  # back in the queue, visible at once
    assert kept["MessageId"] == message["MessageId"]
    # Once the cause is gone, the next run replays it.
    assert redrive.redrive_queue(
        pipeline.outputs["ValidationDeadLetterQueueUrl"],
        pipeline.outputs["ValidationFunctionName"],
    ).replayed == [message["MessageId"]]
    assert pipeline.wait([key])[key].status == "SUCCEEDED"


def test_the_sweepers_dead_letters_are_replayed_to_the_sweeper(
    pipeline: Pipeline, prefix: str
) -> None:
    # GIVEN a sweep whose asynchronous invocation failed every attempt (its DLQ holds the
    # event) and an upload only a sweep can start
    key = pipeline.upload(f"{prefix}lost.csv", VALID, lose_event=True)
    sweeper = pipeline.outputs["SweeperFunctionName"]
    pipeline.emulator.faults.inject("sweeper", times=3, key_contains=prefix)
    arn = boto3.client("lambda").get_function(FunctionName=sweeper)["Configuration"]["FunctionArn"]
    event = {"prefix": prefix, "older_than_seconds": 0}
    account, region = arn.split(":")[4], arn.split(":")[3]
    awslambda.invoke_async(pipeline.emulator.context, account, region, arn, event)
    queue = pipeline.outputs["SweeperDeadLetterQueueUrl"]
    (message,) = boto3.client("sqs").receive_message(QueueUrl=queue, VisibilityTimeout=0)[
        "Messages"
    ]
    assert json.loads(message["Body"]) == event

    # WHEN `make redrive` runs (twice)
    done = redrive.redrive(local.STACK_NAME, pipeline.emulator.region)
    assert redrive.redrive(local.STACK_NAME, pipeline.emulator.region).replayed == []

    # THEN the sweep ran as delivered, started the upload, and its message is gone
    assert done.replayed == [message["MessageId"]] and done.failed == {}
    assert pipeline.wait([key])[key].status == "SUCCEEDED"
    assert "Messages" not in boto3.client("sqs").receive_message(QueueUrl=queue)
