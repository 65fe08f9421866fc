"""The main path: record start, validate, choose on a boolean, transform, record the outcome."""

from typing import Any

import pytest

from tests.stacks.helpers import canonical

# Each main-path task's marker and the pipeline stage it reports (the notification's "stage").
STAGE_OF = {
    "RecordStart": "metadata",
    "Validate": "validation",
    "Transform": "transformation",
    "RecordSuccess": "metadata",
    "RecordInvalid": "metadata",
}


def test_a_valid_file_is_recorded_validated_transformed_and_recorded(
    states: dict[str, dict[str, Any]],
) -> None:
    assert canonical(states["RecordStart"]["Resource"]).endswith(":states:::dynamodb:putItem")
    assert states["RecordStart"]["Next"] == "Validate"
    validate = states["Validate"]
    assert validate["Parameters"]["FunctionName"] == "${ValidationFunctionArn}"
    assert validate["Parameters"]["Payload"]["action"] == "validate"
    assert validate["ResultSelector"] == {"Payload.$": "$.Payload"}
    assert validate["ResultPath"] == "$.validation"
    assert validate["Next"] == "IsValid"
    assert states["IsValid"]["Choices"][0]["Next"] == "Transform"
    transform = states["Transform"]
    assert transform["Parameters"]["FunctionName"] == "${TransformationFunctionArn}"
    assert "action" not in transform["Parameters"]["Payload"]
    assert transform["ResultPath"] == "$.transformation"
    assert transform["Next"] == "RecordSuccess"
    assert canonical(states["RecordSuccess"]["Resource"]).endswith(":states:::dynamodb:updateItem")
    assert states["RecordSuccess"]["Next"] == "Succeeded"
    assert states["Succeeded"]["Type"] == "Succeed"


def test_an_invalid_file_is_recorded_and_ends_the_execution_successfully(
    states: dict[str, dict[str, Any]],
) -> None:
    # A rejected file is a handled outcome, not a workflow failure (keeps ExecutionsFailed meaningful).
    assert states["IsValid"]["Choices"][1]["Next"] == "RecordInvalid"
    assert states["RecordInvalid"]["Next"] == "FileRejected"
    assert states["FileRejected"]["Type"] == "Succeed"


def test_only_a_boolean_valid_decides(states: dict[str, dict[str, Any]]) -> None:
    valid, invalid = states["IsValid"]["Choices"]
    for choice, expected in ((valid, True), (invalid, False)):
        assert choice["And"] == [
            {"Variable": "$.validation.Payload.valid", "IsBoolean": True},
            {"Variable": "$.validation.Payload.valid", "BooleanEquals": expected},
        ]
    assert states["IsValid"]["Default"] == "UnexpectedValidationResult"
    unexpected = states["UnexpectedValidationResult"]
    assert unexpected["Type"] == "Pass"
    assert unexpected["Result"]["Error"] == "UnexpectedValidationResult"
    assert unexpected["ResultPath"] == "$.error"
    assert unexpected["Next"] == "ValidateFailed"


@pytest.mark.parametrize(("task", "stage"), sorted(STAGE_OF.items()))
def test_an_error_enters_the_failure_path_through_the_tasks_marker(
    states: dict[str, dict[str, Any]], task: str, stage: str
) -> None:
    (catch,) = states[task]["Catch"]
    assert catch == {
        "ErrorEquals": ["States.ALL"],
        "ResultPath": "$.error",
        "Next": f"{task}Failed",
    }
    marker = states[f"{task}Failed"]
    assert marker["Type"] == "Pass"
    assert marker["Result"] == stage
    assert marker["ResultPath"] == "$.failed_stage"
    assert marker["Next"] == "Quarantine"


def test_every_marker_belongs_to_a_main_path_task(states: dict[str, dict[str, Any]]) -> None:
    markers = {n for n, s in states.items() if s["Type"] == "Pass" and s["Next"] == "Quarantine"}
    assert markers == {f"{task}Failed" for task in STAGE_OF}
