"""The main path: record start, validate, choose on booleans, transform, record the outcome."""

from typing import Any

import pytest

from tests.stacks.helpers import canonical

# Each function task's marker and the pipeline stage it reports (the notification's "stage").
STAGE_OF = {"Validate": "validation", "Transform": "transformation"}
BOOKKEEPING = ["RecordStart", "RecordSuccess", "RecordInvalid", "RecordSuperseded", "NotifyInvalid"]


def test_a_valid_file_is_recorded_validated_transformed_and_recorded(
    states: dict[str, dict[str, Any]],
) -> None:
    assert canonical(states["RecordStart"]["Resource"]).endswith(":states:::dynamodb:putItem")
    assert states["RecordStart"]["Next"] == "Validate"
    validate = states["Validate"]
    assert validate["Parameters"]["FunctionName"] == "${ValidationFunctionArn}"
    assert validate["Parameters"]["Payload"]["action"] == "validate"
    assert validate["Parameters"]["Payload"]["sequencer.$"] == "$.sequencer"
    assert validate["ResultSelector"] == {"Payload.$": "$.Payload"}
    assert validate["ResultPath"] == "$.validation"
    assert states["IsValid"]["Choices"][0]["Next"] == "Transform"
    transform = states["Transform"]
    assert transform["Parameters"]["FunctionName"] == "${TransformationFunctionArn}"
    assert "action" not in transform["Parameters"]["Payload"]
    assert transform["ResultPath"] == "$.transformation"
    assert transform["Next"] == "IsWritten"
    assert states["IsWritten"]["Default"] == "RecordSuccess"
    assert canonical(states["RecordSuccess"]["Resource"]).endswith(":states:::dynamodb:updateItem")
    assert states["RecordSuccess"]["Next"] == "FinishSucceeded"
    assert states["FinishSucceeded"]["Default"] == "Succeeded"


def test_an_invalid_file_is_recorded_notified_and_ends_the_execution_successfully(
    states: dict[str, dict[str, Any]],
) -> None:
    # A rejected file is a handled outcome, not a workflow failure (keeps ExecutionsFailed meaningful).
    assert states["IsValid"]["Choices"][2]["Next"] == "RecordInvalid"
    assert states["RecordInvalid"]["Next"] == "NotifyInvalid"
    message = states["NotifyInvalid"]["Parameters"]["Message"]
    assert message["stage"] == "validation" and message["error.$"] == "$.validation.Payload.error"
    assert states["NotifyInvalid"]["Next"] == "FinishRejected"
    assert states["FinishRejected"]["Default"] == "FileRejected"
    assert states["FileRejected"]["Type"] == "Succeed"


def test_a_superseded_upload_is_recorded_and_succeeds_without_notification(
    states: dict[str, dict[str, Any]],
) -> None:
    assert states["IsValid"]["Choices"][1]["Next"] == "RecordSuperseded"
    assert states["IsWritten"]["Choices"][0]["Next"] == "RecordSuperseded"
    assert states["IsWritten"]["Choices"][0]["And"][1] == {
        "Variable": "$.transformation.Payload.superseded",
        "BooleanEquals": True,
    }
    values = states["RecordSuperseded"]["Parameters"]["ExpressionAttributeValues"]
    assert values[":status"] == {"S": "SUPERSEDED"}
    assert states["RecordSuperseded"]["Next"] == "FinishSuperseded"
    assert states["FinishSuperseded"]["Default"] == "Superseded"


def test_only_booleans_decide(states: dict[str, dict[str, Any]]) -> None:
    valid, superseded, invalid = states["IsValid"]["Choices"]
    for choice, expected in ((valid, True), (invalid, False)):
        assert choice["And"] == [
            {"Variable": "$.validation.Payload.valid", "IsBoolean": True},
            {"Variable": "$.validation.Payload.valid", "BooleanEquals": expected},
        ]
    assert superseded["And"][0] == {"And": invalid["And"]}
    assert states["IsValid"]["Default"] == "UnexpectedValidationResult"
    unexpected = states["UnexpectedValidationResult"]
    assert unexpected["Result"]["Error"] == "UnexpectedValidationResult"
    assert (unexpected["ResultPath"], unexpected["Next"]) == ("$.error", "ValidateFailed")


@pytest.mark.parametrize(("task", "stage"), sorted(STAGE_OF.items()))
def test_a_function_error_enters_the_failure_path_through_the_tasks_marker(
    states: dict[str, dict[str, Any]], task: str, stage: str
) -> None:
    (catch,) = states[task]["Catch"]
    assert catch == {
        "ErrorEquals": ["States.ALL"],
        "ResultPath": "$.error",
        "Next": f"{task}Failed",
    }
    marker = states[f"{task}Failed"]
    assert (marker["Type"], marker["Result"], marker["ResultPath"]) == (
        "Pass",
        stage,
        "$.failed_stage",
    )
    assert marker["Next"] == "DescribeFailure"


@pytest.mark.parametrize("task", BOOKKEEPING)
def test_a_bookkeeping_error_never_changes_the_path(
    states: dict[str, dict[str, Any]], task: str
) -> None:
    (catch,) = states[task]["Catch"]
    assert catch == {
        "ErrorEquals": ["States.ALL"],
        "ResultPath": "$.bookkeeping_error",
        "Next": states[task]["Next"],
    }


def test_every_outcome_fails_as_bookkeeping_when_a_record_or_notice_is_missing(
    states: dict[str, dict[str, Any]],
) -> None:
    for finish in ("FinishSucceeded", "FinishRejected", "FinishSuperseded", "FinishFailure"):
        (choice,) = states[finish]["Choices"]
        assert choice == {
            "Variable": "$.bookkeeping_error",
            "IsPresent": True,
            "Next": "BookkeepingFailed",
        }
