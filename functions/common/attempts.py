"""Attempts of one upload: which exist, whether one is in flight, which comes next.

An upload (bucket, key, version) is processed by attempt 0, the execution the S3 trigger
starts, and by any later attempt 1, 2, ... a sweep or a replay starts (docs/pipeline.md §9).
Every attempt's name is deterministic (``naming.execution_name``), so finding the next one is
a lookup: DescribeExecution of attempt 0, 1, ... until a name does not exist. A command
retried after it started attempt n finds n in flight (or ended) and starts nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from botocore.exceptions import ClientError

from contract.payloads import ExecutionInput
from functions.common.naming import execution_name

#: Step Functions statuses of an execution that has not ended (PENDING_REDRIVE: redriven).
IN_FLIGHT: Final = frozenset({"RUNNING", "PENDING_REDRIVE"})
#: No upload gets more attempts than this from sweeps and replays together.
MAX_ATTEMPTS: Final = 5


def execution_arn(state_machine_arn: str, name: str) -> str:
    """The ARN of the execution ``name`` of a state machine."""
    return state_machine_arn.replace(":stateMachine:", ":execution:", 1) + ":" + name


@dataclass(frozen=True, slots=True)
class Attempts:
    """The attempts found for one upload: how many exist, and the latest's status."""

    count: int
    latest_status: str = ""  # "" when there is none
    latest_arn: str = ""

    @property
    def in_flight(self) -> bool:
        """Whether the latest attempt is still running (then nothing may start)."""
        return self.latest_status in IN_FLIGHT

    @property
    def next(self) -> int:
        """The attempt number a new start must use."""
        return self.count


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def lookup(sfn: Any, state_machine_arn: str, upload: ExecutionInput) -> Attempts:
    """Describe attempt 0, 1, ... of ``upload`` until one does not exist."""
    found = Attempts(0)
    for attempt in range(MAX_ATTEMPTS + 1):
        arn = execution_arn(state_machine_arn, name_of(upload, attempt))
        try:
            status = str(sfn.describe_execution(executionArn=arn)["status"])
        except ClientError as exc:
            if _code(exc) == "ExecutionDoesNotExist":
                return found
            raise
        found = Attempts(attempt + 1, status, arn)
    return found


def name_of(upload: ExecutionInput, attempt: int) -> str:
    """The execution name of one attempt of an upload."""
    return execution_name(upload.bucket, upload.key, upload.version_id, upload.etag, attempt)


def start(sfn: Any, state_machine_arn: str, upload: ExecutionInput, attempt: int) -> str:
    """Start one attempt with the trigger's input; its ARN, or "" if that name already exists."""
    try:
        response = sfn.start_execution(
            stateMachineArn=state_machine_arn,
            name=name_of(upload, attempt),
            input=upload.to_json(),
        )
    except ClientError as exc:
        if _code(exc) == "ExecutionAlreadyExists":
            return ""
        raise
    return str(response["executionArn"])
