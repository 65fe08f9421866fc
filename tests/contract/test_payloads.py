"""contract.payloads: typed task payloads shared by the workflow definition and the functions."""

from __future__ import annotations

import json

import pytest

from contract.payloads import (
    MAX_SUBJECT,
    Action,
    ExecutionInput,
    TaskRequest,
    ValidateRequest,
    ValidateResult,
    action_of,
    field_names,
    field_path,
    subject,
)

EVENT = {
    "bucket": "b",
    "key": "raw/x.csv",
    "version_id": "v1",
    "sequencer": "0A1B",
    "execution_arn": "arn:x",
}


def test_field_path_names_a_real_field_only() -> None:
    assert (
        field_path("$.validation.Payload", ValidateResult, "valid") == "$.validation.Payload.valid"
    )
    with pytest.raises(KeyError, match="ValidateResult has no field 'is_valid'"):
        field_path("$", ValidateResult, "is_valid")


def test_requests_carry_every_task_field_plus_their_own() -> None:
    task = field_names(TaskRequest)
    assert task == ("bucket", "key", "version_id", "sequencer", "execution_arn")
    assert field_names(ValidateRequest) == (*task, "action")


def test_payloads_serialise_enums_as_their_values() -> None:
    request = ValidateRequest(**EVENT)
    assert json.loads(request.to_json())["action"] == "validate"
    result = ValidateResult(False, 1, 0, 1, error="é", outcome_key="", superseded=True)
    assert result.to_dict()["error"] == "é" and result.to_dict()["superseded"] is True


def test_execution_input_derives_what_the_workflow_cannot_compute() -> None:
    given = ExecutionInput.of("b", "raw/a b/é.csv", "v+1", "e", "0a1b")
    assert given.rank == "0A1B" + "0" * 60
    assert (given.failed_key, given.error_report_key) == (
        "failed/a b/é.csv",
        "failed/a b/é.csv.error.json",
    )
    # CopySource as AWS wants it: the key URL-encoded ("/" kept), the version as a query.
    assert given.copy_source == "b/raw/a%20b/%C3%A9.csv?versionId=v%2B1"
    assert given.subject == "CSV ETL failure: raw/a b/?.csv"
    assert ExecutionInput.of("b", "raw/x.csv", "", "", "").copy_source == "b/raw/x.csv"


def test_subject_is_sns_safe_and_keeps_the_file_name() -> None:
    long = subject("raw/" + "d/" * 100 + "name.csv")
    assert len(long) <= MAX_SUBJECT and long.endswith("name.csv") and "..." in long


def test_task_request_checks_its_fields() -> None:
    assert TaskRequest.from_event(EVENT) == TaskRequest("b", "raw/x.csv", "v1", "0A1B", "arn:x")
    assert TaskRequest.from_event({"bucket": "b", "key": "raw/x.csv"}).version_id == ""
    with pytest.raises(ValueError, match="'bucket' must be a non-empty string"):
        TaskRequest.from_event({**EVENT, "bucket": ""})
    with pytest.raises(ValueError, match="must start with 'raw/'"):
        TaskRequest.from_event({**EVENT, "key": "processed/x.csv"})
    with pytest.raises(ValueError, match="'version_id' must be a non-empty string"):
        TaskRequest.from_event({**EVENT, "version_id": 7})
    with pytest.raises(ValueError, match="not an S3 sequencer"):
        TaskRequest.from_event({**EVENT, "sequencer": "xyz"})


@pytest.mark.parametrize(
    ("event", "action"),
    [
        ({"action": "validate"}, Action.VALIDATE),
        ({"action": "quarantine"}, None),
        ({"action": 1}, None),
        ({"Records": []}, None),
    ],
)
def test_action_of_an_event(event: dict[str, object], action: Action | None) -> None:
    assert action_of(event) is action
