"""The main path: record the start, validate, transform, record the outcome.

A valid file ends in Succeeded, an invalid one in FileRejected after its notification, an
upload a newer one of the same key has overtaken in Superseded (all three succeed). Every
function task is ``_guarded``: once its retries are spent, any error enters the failure path
through the task's ``<Task>Failed`` marker, which remembers the pipeline stage. A metadata
write or notification that keeps failing never changes the path (``records``): the
execution then ends in BookkeepingFailed instead of its outcome.
"""

from collections.abc import Callable
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
IS_WRITTEN = "IsWritten"
RECORD_SUCCESS = "RecordSuccess"
FINISH_SUCCEEDED = "FinishSucceeded"
SUCCEEDED = "Succeeded"
RECORD_SUPERSEDED = "RecordSuperseded"
RECORD_INVALID = "RecordInvalid"
NOTIFY_INVALID = "NotifyInvalid"
FINISH_REJECTED = "FinishRejected"
FILE_REJECTED = "FileRejected"

START = RECORD_START

# Where the workflow keeps each function's result in the execution state.
VALIDATION = "$.validation"
TRANSFORMATION = "$.transformation"


def states() -> States:
    """Every main-path state, each function task with its failure-path marker."""
    return merge(
        {RECORD_START: records.put_start(VALIDATE)},
        _guarded(VALIDATE, Stage.VALIDATION, _validate()),
        {IS_VALID: _is_valid(), UNEXPECTED_RESULT: _unexpected_result()},
        _guarded(TRANSFORM, Stage.TRANSFORMATION, _transform()),
        {
            IS_WRITTEN: _is_written(),
            RECORD_SUCCESS: _record_success(),
            RECORD_SUPERSEDED: _record(Status.SUPERSEDED, {}, failure_path.FINISH_SUPERSEDED),
            RECORD_INVALID: _record_invalid(),
            NOTIFY_INVALID: failure_path.notify(
                Stage.VALIDATION.value, _validation("error"), FINISH_REJECTED
            ),
        },
        records.finish(FINISH_SUCCEEDED, SUCCEEDED, {"Type": "Succeed"}),
        # A rejected file is an expected outcome, filed under failed/ and notified: the
        # execution succeeds, so the ExecutionsFailed alarm means that the pipeline itself
        # broke, not that a sender shipped a bad file.
        records.finish(
            FINISH_REJECTED,
            FILE_REJECTED,
            {
                "Type": "Succeed",
                "Comment": "The file broke the data contract; see failed/<path>.error.json",
            },
        ),
    )


def _guarded(name: str, stage: Stage, task: State) -> States:
    """A function task whose errors, once retried, enter the failure path remembering ``stage``."""
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


def _is_true(path: str) -> dict[str, Any]:
    return {
        "And": [{"Variable": path, "IsBoolean": True}, {"Variable": path, "BooleanEquals": True}]
    }


def _is_valid() -> State:
    """Only a boolean ``valid`` decides; anything else is an unexpected result."""

    def valid_is(value: bool) -> dict[str, Any]:
        return {
            "And": [
                {"Variable": _validation("valid"), "IsBoolean": True},
                {"Variable": _validation("valid"), "BooleanEquals": value},
            ]
        }

    superseded = {"And": [valid_is(False), _is_true(_validation("superseded"))]}
    return {
        "Type": "Choice",
        "Choices": [
            {**valid_is(True), "Next": TRANSFORM},
            {**superseded, "Next": RECORD_SUPERSEDED},
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
        IS_WRITTEN,
    )


def _is_written() -> State:
    """The output was written, unless processed/ holds a newer upload's (superseded)."""
    return {
        "Type": "Choice",
        "Choices": [{**_is_true(_transformation("superseded")), "Next": RECORD_SUPERSEDED}],
        "Default": RECORD_SUCCESS,
    }


def _figures(result: Callable[[str], str]) -> dict[str, records.Assignment]:
    """The row counts and the proof of processing (pipeline.md §2) of one function's result."""
    return {
        Attr.ROWS_TOTAL: (":total", number(result("rows_total"))),
        Attr.ROWS_VALID: (":valid", number(result("rows_valid"))),
        Attr.ROWS_REJECTED: (":rejected", number(result("rows_rejected"))),
        Attr.AMOUNT_TOTAL: (":amount", {"S.$": result("amount_total")}),
        Attr.SOURCE_SHA256: (":source", {"S.$": result("source_sha256")}),
        Attr.OUTPUT_SHA256: (":digest", {"S.$": result("output_sha256")}),
    }


def _record(status: Status, assignments: dict[str, records.Assignment], next_state: str) -> State:
    """An outcome with the validation's figures: every valid, invalid or superseded file has them."""
    return records.update_outcome(status, {**_figures(_validation), **assignments}, next_state)


def _record_success() -> State:
    return records.update_outcome(
        Status.SUCCEEDED,
        {
            **_figures(_transformation),
            Attr.OUTPUT_KEY: (":output", {"S.$": _transformation("output_key")}),
        },
        FINISH_SUCCEEDED,
    )


def _record_invalid() -> State:
    return _record(
        Status.FAILED,
        {
            Attr.ERROR_MESSAGE: (":error", {"S.$": _validation("error")}),
            Attr.OUTPUT_KEY: (":output", {"S.$": _validation("outcome_key")}),
        },
        NOTIFY_INVALID,
    )
