"""Replay what landed in the validation function's dead-letter queue: ``make redrive``.

A message there is an S3 event whose execution could not be started after Lambda's retries
(its ``ErrorMessage`` attribute says why); its body is the event exactly as S3 sent it. Once
the cause is fixed, ``make redrive`` hands each body back to the validation function
unchanged (a synchronous invocation, so the result is known) and deletes the message only
after the function ran it without error; a replay that fails again leaves its message in
the queue (visible again once the run ends) and makes the exit status 1.

Safe to run twice, or after an interrupted run: the execution name is derived from bucket,
key and version, so replaying an event whose execution already started starts nothing.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from typing import Any

import boto3

from stacks.compute import TIMEOUT_SECONDS
from stacks.names import Output
from tools.deploy import stack_outputs
from tools.output import show_output

log = logging.getLogger(__name__)

#: A received message stays invisible while its replay runs (the function's longest run).
VISIBILITY_SECONDS = TIMEOUT_SECONDS + 60
BATCH = 10  # the most SQS returns at once


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
    sqs, lambda_ = boto3.client("sqs"), boto3.client("lambda")
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
    """Replay the deployed stack's validation DLQ to its validation function."""
    outputs = stack_outputs(stack_name, region)
    done = redrive_queue(
        outputs[Output.VALIDATION_DLQ_URL], outputs[Output.VALIDATION_FUNCTION_NAME], limit
    )
    log.info(f"redrive: {len(done.replayed)} replayed and deleted, {len(done.failed)} failed again")
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
