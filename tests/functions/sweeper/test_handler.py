"""The sweeper: starts the next attempt of every old raw/ version with nothing in flight."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from contract.payloads import ExecutionInput
from functions.common import attempts
from functions.common.naming import execution_name
from functions.sweeper import handler
from tests.functions.conftest import Aws, FakeLambdaContext, heavy_modules_after_import

CSV = b"transaction_id,customer_id,amount,timestamp\nT1,C1,1.00,2024-11-01T09:02:11Z\n"
NOW = {"older_than_seconds": 0}


@pytest.fixture
def env(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> Aws:
    aws.use_environment_of("SweeperFunction", monkeypatch)
    return aws


def _sweep(event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = handler.lambda_handler(event, FakeLambdaContext())  # type: ignore[arg-type]
    return result


def _started(aws: Aws) -> dict[str, dict[str, Any]]:
    found = {}
    for execution in aws.executions():
        described = aws.sfn.describe_execution(executionArn=execution["executionArn"])
        found[execution["name"]] = json.loads(described["input"])
    return found


def test_a_version_nobody_started_gets_attempt_0_with_the_triggers_input(env: Aws) -> None:
    uploaded = env.put("raw/lost.csv", CSV)

    assert _sweep(NOW)["started"] == 1

    name = execution_name(env.bucket, "raw/lost.csv", uploaded["version_id"], uploaded["etag"])
    expected = ExecutionInput.of(
        env.bucket, "raw/lost.csv", uploaded["version_id"], uploaded["etag"], ""
    )
    assert _started(env) == {name: expected.to_dict()}  # the name the S3 trigger would use


def test_a_running_execution_is_left_alone_and_a_second_sweep_starts_nothing(env: Aws) -> None:
    env.put("raw/once.csv", CSV)
    assert _sweep(NOW)["started"] == 1
    # moto leaves the execution RUNNING: in flight
    again = _sweep(NOW)
    assert (again["started"], again["in_flight"]) == (0, 1)
    assert len(env.executions()) == 1


def test_a_stranded_version_gets_the_next_attempt_with_its_recorded_sequencer(
    env: Aws,
) -> None:
    uploaded = env.put("raw/stranded.csv", CSV)
    upload = ExecutionInput.of(
        env.bucket, "raw/stranded.csv", uploaded["version_id"], uploaded["etag"], "00AB"
    )
    first = attempts.start(env.sfn, env.state_machine_arn, upload, 0)
    env.sfn.stop_execution(executionArn=first)  # ended, yet the version is still under raw/
    boto3.client("dynamodb").put_item(
        TableName=env.table_name,
        Item={
            "file_name": {"S": "raw/stranded.csv"},
            "process_start_time": {"S": "2026-01-01T00:00:00Z"},
            "version_id": {"S": uploaded["version_id"]},
            "sequencer": {"S": "00AB"},
            "status": {"S": "FAILED"},
        },
    )

    assert _sweep(NOW)["started"] == 1

    started = _started(env)
    assert started[attempts.name_of(upload, 1)] == upload.to_dict()  # sequencer "00AB" kept
    assert len(started) == 2


def test_young_versions_and_other_keys_are_not_touched(env: Aws) -> None:
    env.put("raw/young.csv", CSV)  # the stack's threshold: minutes, not seconds
    env.put("raw/notes.txt", b"not a csv")
    env.s3.put_object(Bucket=env.bucket, Key="failed/old.csv", Body=CSV)

    assert _sweep({})["examined"] == 0
    assert _sweep({"older_than_seconds": 0})["examined"] == 1
    assert _sweep({"prefix": "raw/other/", "older_than_seconds": 0})["examined"] == 0


def test_a_run_is_bounded_and_the_next_run_continues(
    env: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWEEP_MAX_STARTS", "2")
    for name in ("a", "b", "c"):
        env.put(f"raw/{name}.csv", CSV)

    first = _sweep(NOW)
    assert (first["started"], first["stopped_early"]) == (2, True)
    second = _sweep(NOW)
    assert (second["started"], second["in_flight"], second["stopped_early"]) == (1, 2, False)


def test_an_upload_that_used_every_attempt_is_left_for_a_human(env: Aws) -> None:
    uploaded = env.put("raw/hopeless.csv", CSV)
    upload = ExecutionInput.of(
        env.bucket, "raw/hopeless.csv", uploaded["version_id"], uploaded["etag"], ""
    )
    for attempt in range(attempts.MAX_ATTEMPTS):
        env.sfn.stop_execution(
            executionArn=attempts.start(env.sfn, env.state_machine_arn, upload, attempt)
        )

    result = _sweep(NOW)

    assert (result["started"], result["exhausted"]) == (0, 1)


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
@pytest.mark.parametrize(
    "event", [{"prefix": "processed/"}, {"older_than_seconds": -1}, {"prefix": 3}]
)
def test_a_bad_request_is_refused(env: Aws, event: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        _sweep(event)


def test_the_sweeper_loads_neither_the_core_nor_polars() -> None:
    """It lists versions and starts executions: its cold start pays for neither."""
    assert heavy_modules_after_import("functions.sweeper.handler") == []
