"""Replay what landed in every function's dead-letter queue: ``make redrive``.

Two functions are invoked asynchronously and so have a DLQ (``QUEUES``): the validation
function (S3 events) and the sweeper (its schedule's events). Either way a message is an
event whose invocation failed after Lambda's two retries (its ``ErrorMessage`` attribute
says why), and its body is the event exactly as it was delivered. Once the cause is fixed,
``make redrive`` hands each body back to the function of its queue unchanged (a synchronous
invocation, so the result is known) and deletes the message only after the function ran it
without error; a replay that fails again leaves its message in the queue (visible again
once the run ends) and makes the exit status 1. It prints one line per queue.

Safe to run twice, or after an interrupted run: the execution name is derived from bucket,
key and version, so replaying an S3 event whose execution already started starts nothing,
and a sweep finds what is in flight (docs/pipeline.md §9) and starts nothing twice.

    make redrive [STACK_NAME=csv-etl] [REGION=...]
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from stacks.compute import TIMEOUT_SECONDS
from stacks.names import Output
from tools.deploy import stack_outputs
from tools.output import show_output

log = logging.getLogger(__name__)

#: A received message stays invisible while its replay runs (the function's longest run).
VISIBILITY_SECONDS = TIMEOUT_SECONDS + 60
BATCH = 10  # the most SQS returns at once
#: A synchronous replay waits as long as the function may run (boto3's default is 60 s, after
#: which it would invoke the function a second time).
_INVOKE = Config(read_timeout=TIMEOUT_SECONDS + 60, retries={"mode": "standard", "max_attempts": 1})

#: Each dead-letter queue (stack output of its URL) and the function its events go back to.
QUEUES: tuple[tuple[str, str], ...] = (
    (Output.VALIDATION_DLQ_URL, Output.VALIDATION_FUNCTION_NAME),
    (Output.SWEEPER_DLQ_URL, Output.SWEEPER_FUNCTION_NAME),
)


@dataclass
class Redrive:
    """What one run did: message ids replayed (and deleted), and those whose replay failed."""

    replayed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # message id -> the function's error

    @property
    def ok(self) -> bool:
        return not self.failed


def _replay(lambda_: Any, function: str, message: dict[str, Any]) -> str:
    """Invoke the function with the message body as is; "" on success, else its error."""
    response = lambda_.invoke(
        FunctionName=function, InvocationType="RequestResponse", Payload=message["Body"]
    )
    payload = response["Payload"].read().decode(errors="replace")
    if response.get("FunctionError"):
        return payload or "function error"
    return ""


def redrive_queue(queue_url: str, function: str, limit: int | None = None) -> Redrive:
    """Replay every message of ``queue_url`` (at most ``limit``) to ``function``."""
    sqs, lambda_ = boto3.client("sqs"), boto3.client("lambda", config=_INVOKE)
    done = Redrive()
    seen: set[str] = set()
    kept: list[str] = []
    while limit is None or len(seen) < limit:
        messages = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=BATCH if limit is None else min(BATCH, limit - len(seen)),
            MessageAttributeNames=["All"],
            VisibilityTimeout=VISIBILITY_SECONDS,
            WaitTimeSeconds=1,
        ).get("Messages", [])
        fresh = [m for m in messages if m["MessageId"] not in seen]
        if not fresh:
            break
        for message in fresh:
            seen.add(message["MessageId"])
            why = message.get("MessageAttributes", {}).get("ErrorMessage", {})
            log.info(f"replaying {message['MessageId']} (failed: {why.get('StringValue', '?')})")
            error = _replay(lambda_, function, message)
            if error:
                done.failed[message["MessageId"]] = error
                kept.append(message["ReceiptHandle"])
                log.info(f"  failed again, kept in the queue: {error[:300]}")
                continue
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            done.replayed.append(message["MessageId"])
    for receipt in kept:  # invisible while this run went on; back in the queue now
        sqs.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=receipt, VisibilityTimeout=0
        )
    return done


def redrive(stack_name: str, region: str, limit: int | None = None) -> Redrive:
    """Replay each of the deployed stack's DLQs to its function (at most ``limit`` per queue)."""
    outputs = stack_outputs(stack_name, region)
    done = Redrive()
    for queue_output, function_output in QUEUES:
        one = redrive_queue(outputs[queue_output], outputs[function_output], limit)
        log.info(
            f"redrive {outputs[function_output]}: {len(one.replayed)} replayed and deleted, "
            f"{len(one.failed)} failed again (kept)"
        )
        done.replayed += one.replayed
        done.failed |= one.failed
    return done


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.redrive --stack-name S --region R [--limit N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--limit", type=int, default=None, help="replay at most N messages")
    args = parser.parse_args(argv)
    return 0 if redrive(args.stack_name, args.region, args.limit).ok else 1


if __name__ == "__main__":
    show_output()
    sys.exit(main())
