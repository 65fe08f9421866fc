"""contract.payloads: typed task payloads shared by the workflow definition and the functions."""

from __future__ import annotations

import json

import pytest

from contract.payloads import (
    Action,
    ExecutionInput,
    QuarantineRequest,
    QuarantineResult,
    Stage,
    TaskRequest,
    ValidateRequest,
    ValidateResult,
    action_of,
    field_names,
    field_path,
)

EVENT = {"bucket": "b", "key": "raw/x.csv", "version_id": "v1", "execution_arn": "arn:x"}


def test_field_path_names_a_real_field_only() -> None:
    assert (
        field_path("$.validation.Payload", ValidateResult, "valid") == "$.validation.Payload.valid"
    )
    with pytest.raises(KeyError, match="ValidateResult has no field 'is_valid'"):
        field_path("$", ValidateResult, "is_valid")


def test_requests_carry_every_task_field_plus_their_own() -> None:
    task = field_names(TaskRequest)
    assert task == ("bucket", "key", "version_id", "execution_arn")
    assert field_names(ValidateRequest) == (*task, "action")
    assert field_names(QuarantineRequest) == (*task, "stage", "error", "action")


def test_payloads_serialise_enums_as_their_values() -> None:
    result = QuarantineResult(quarantined=True, failed_key="failed/x.csv", error_message="é")
    assert result.to_dict() == {
        "quarantined": True,
        "failed_key": "failed/x.csv",
        "error_message": "é",
    }
    request = ValidateRequest(**EVENT)
    assert json.loads(request.to_json())["action"] == "validate"
    assert ExecutionInput("b", "raw/x.csv", "", "").to_json() == (
        '{"bucket": "b", "key": "raw/x.csv", "version_id": "", "etag": ""}'
    )


def test_task_request_checks_its_fields() -> None:
    assert TaskRequest.from_event(EVENT) == TaskRequest("b", "raw/x.csv", "v1", "arn:x")
    assert TaskRequest.from_event({"bucket": "b", "key": "raw/x.csv"}).version_id == ""
    with pytest.raises(ValueError, match="'bucket' must be a non-empty string"):
        TaskRequest.from_event({**EVENT, "bucket": ""})
    with pytest.raises(ValueError, match="must start with 'raw/'"):
        TaskRequest.from_event({**EVENT, "key": "processed/x.csv"})
    with pytest.raises(ValueError, match="'version_id' must be a non-empty string"):
        TaskRequest.from_event({**EVENT, "version_id": 7})


def test_quarantine_request_keeps_the_caught_error_and_defaults_the_stage() -> None:
    error = {"Error": "States.TaskFailed", "Cause": "boom"}
    request = QuarantineRequest.from_event({**EVENT, "stage": "transformation", "error": error})
    assert (request.stage, request.error, request.key) == ("transformation", error, "raw/x.csv")
    assert QuarantineRequest.from_event({**EVENT, "stage": ""}).stage == Stage.WORKFLOW.value
    assert QuarantineRequest.from_event(EVENT).error is None


@pytest.mark.parametrize(
    ("event", "action"),
    [
        ({"action": "validate"}, Action.VALIDATE),
        ({"action": "quarantine"}, Action.QUARANTINE),
        ({"action": "transform"}, None),
        ({"action": 1}, None),
        ({"Records": []}, None),
    ],
)
def test_action_of_an_event(event: dict[str, object], action: Action | None) -> None:
    assert action_of(event) is action
