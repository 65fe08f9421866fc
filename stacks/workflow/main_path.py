"""The main path: record the start, validate, transform, record the outcome.

A valid file ends in Succeeded, an invalid one in FileRejected (both succeed). Every task is
``_guarded``: once its retries are spent, any error enters the failure path through the task's
``<Task>Failed`` marker, which remembers the pipeline stage for the notification.
"""

from typing import Any

from contract.metadata import Attr, Status
from contract.payloads import (
    Action,
    Stage,
    TaskRequest,
    TransformResult,
    ValidateRequest,
    ValidateResult,
    field_path,
)
from stacks.workflow import failure_path, records
from stacks.workflow.asl import (
    State,
    States,
    Substitution,
    invoke,
    merge,
    number,
    substituted,
    task_request,
)

RECORD_START = "RecordStart"
VALIDATE = "Validate"
IS_VALID = "IsValid"
UNEXPECTED_RESULT = "UnexpectedValidationResult"
TRANSFORM = "Transform"
RECORD_SUCCESS = "RecordSuccess"
SUCCEEDED = "Succeeded"
RECORD_INVALID = "RecordInvalid"
FILE_REJECTED = "FileRejected"

START = RECORD_START

# Where the workflow keeps each function's result in the execution state.
VALIDATION = "$.validation"
TRANSFORMATION = "$.transformation"


def states() -> States:
    """Every main-path state, each task with its failure-path marker."""
    return merge(
        _guarded(RECORD_START, Stage.METADATA, records.put_start(VALIDATE)),
        _guarded(VALIDATE, Stage.VALIDATION, _validate()),
        {IS_VALID: _is_valid(), UNEXPECTED_RESULT: _unexpected_result()},
        _guarded(TRANSFORM, Stage.TRANSFORMATION, _transform()),
        _guarded(RECORD_SUCCESS, Stage.METADATA, _record_success()),
        {SUCCEEDED: {"Type": "Succeed"}},
        _guarded(RECORD_INVALID, Stage.METADATA, _record_invalid()),
        # A rejected file is an expected outcome, already filed under failed/ and notified by
        # the validation function: the execution succeeds, so the ExecutionsFailed alarm means
        # that the pipeline itself broke, not that a sender shipped a bad file.
        {
            FILE_REJECTED: {
                "Type": "Succeed",
                "Comment": "The file broke the data contract; see failed/<path>.error.json",
            }
        },
    )


def _guarded(name: str, stage: Stage, task: State) -> States:
    """A main-path task whose errors, once retried, enter the failure path remembering ``stage``."""
    return {
        name: {**task, "Catch": failure_path.catch_into(name)},
        **failure_path.entry(name, stage),
    }


def _validation(name: str) -> str:
    return field_path(f"{VALIDATION}.Payload", ValidateResult, name)


def _transformation(name: str) -> str:
    return field_path(f"{TRANSFORMATION}.Payload", TransformResult, name)


def _validate() -> State:
    return invoke(
        substituted(Substitution.VALIDATION_FUNCTION_ARN),
        task_request(ValidateRequest, action=Action.VALIDATE.value),
        VALIDATION,
        IS_VALID,
    )


def _is_valid() -> State:
    """Only a boolean ``valid`` decides; anything else is an unexpected result."""

    def valid_is(value: bool) -> dict[str, Any]:
        return {
            "And": [
                {"Variable": _validation("valid"), "IsBoolean": True},
                {"Variable": _validation("valid"), "BooleanEquals": value},
            ]
        }

    return {
        "Type": "Choice",
        "Choices": [
            {**valid_is(True), "Next": TRANSFORM},
            {**valid_is(False), "Next": RECORD_INVALID},
        ],
        "Default": UNEXPECTED_RESULT,
    }


def _unexpected_result() -> State:
    return {
        "Type": "Pass",
        "Comment": "A result without a boolean 'valid' is a failure, never silent",
        "Result": {
            "Error": "UnexpectedValidationResult",
            "Cause": "the validation function returned no boolean 'valid'",
        },
        "ResultPath": failure_path.ERROR,
        "Next": failure_path.failed(VALIDATE),
    }


def _transform() -> State:
    return invoke(
        substituted(Substitution.TRANSFORMATION_FUNCTION_ARN),
        task_request(TaskRequest),
        TRANSFORMATION,
        RECORD_SUCCESS,
    )


def _record_success() -> State:
    return records.update_outcome(
        Status.SUCCEEDED,
        {
            Attr.ROWS_TOTAL: (":total", number(_transformation("rows_total"))),
            Attr.ROWS_VALID: (":valid", number(_transformation("rows_valid"))),
            Attr.ROWS_REJECTED: (":rejected", number(_transformation("rows_rejected"))),
            Attr.OUTPUT_KEY: (":output", {"S.$": _transformation("output_key")}),
        },
        SUCCEEDED,
    )


def _record_invalid() -> State:
    return records.update_outcome(
        Status.FAILED,
        {
            Attr.ERROR_MESSAGE: (":error", {"S.$": _validation("error")}),
            Attr.ROWS_TOTAL: (":total", number(_validation("rows_total"))),
            Attr.ROWS_VALID: (":valid", number(_validation("rows_valid"))),
            Attr.ROWS_REJECTED: (":rejected", number(_validation("rows_rejected"))),
            Attr.OUTPUT_KEY: (":output", {"S.$": _validation("outcome_key")}),
        },
        FILE_REJECTED,
    )
