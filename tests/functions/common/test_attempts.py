"""Attempts of an upload: found by looking up their deterministic names."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from contract.payloads import ExecutionInput
from functions.common import attempts

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
UPLOAD = ExecutionInput.of("b", "raw/x.csv", "v1", "e1", "")


class FakeStepFunctions:
    """Executions by ARN, answering DescribeExecution and StartExecution as AWS does."""

    def __init__(self, statuses: list[str]) -> None:
        self.executions = {
            attempts.execution_arn(MACHINE, attempts.name_of(UPLOAD, n)): status
            for n, status in enumerate(statuses)
        }
        self.started: list[str] = []

    def describe_execution(self, executionArn: str) -> dict[str, Any]:
        if executionArn not in self.executions:
            raise ClientError({"Error": {"Code": "ExecutionDoesNotExist"}}, "DescribeExecution")
        return {"status": self.executions[executionArn]}

    def start_execution(self, stateMachineArn: str, name: str, input: str) -> dict[str, Any]:
        arn = attempts.execution_arn(stateMachineArn, name)
        if arn in self.executions:
            raise ClientError({"Error": {"Code": "ExecutionAlreadyExists"}}, "StartExecution")
        self.executions[arn] = "RUNNING"
        self.started.append(name)
        return {"executionArn": arn}


@pytest.mark.parametrize(
    ("statuses", "count", "in_flight"),
    [
        ([], 0, False),
        (["RUNNING"], 1, True),
        (["SUCCEEDED"], 1, False),
        (["FAILED", "RUNNING"], 2, True),
        (["FAILED", "ABORTED"], 2, False),
        (["FAILED", "PENDING_REDRIVE"], 2, True),
    ],
)
def test_lookup_finds_every_attempt_and_whether_the_latest_runs(
    statuses: list[str], count: int, in_flight: bool
) -> None:
    found = attempts.lookup(FakeStepFunctions(statuses), MACHINE, UPLOAD)
    assert (found.count, found.next, found.in_flight) == (count, count, in_flight)


def test_start_then_start_again_starts_one_attempt() -> None:
    sfn = FakeStepFunctions(["FAILED"])
    found = attempts.lookup(sfn, MACHINE, UPLOAD)
    assert attempts.start(sfn, MACHINE, UPLOAD, found.next)
    assert attempts.start(sfn, MACHINE, UPLOAD, found.next) == ""  # a retry of the same start
    assert attempts.lookup(sfn, MACHINE, UPLOAD).in_flight
    assert sfn.started == [attempts.name_of(UPLOAD, 1)]


def test_other_errors_are_not_taken_for_a_missing_attempt() -> None:
    class Denied(FakeStepFunctions):
        def describe_execution(self, executionArn: str) -> dict[str, Any]:
            raise ClientError({"Error": {"Code": "AccessDeniedException"}}, "DescribeExecution")

    with pytest.raises(ClientError):
        attempts.lookup(Denied([]), MACHINE, UPLOAD)
