"""The failure path: remember the failed stage, quarantine the file, record, notify, fail.

A main-path task enters it through its ``<Task>Failed`` marker (``entry``) with the error at
``ERROR``. Each step's Catch only moves forward, so the path always ends in PipelineFailed and
the execution fails (the ExecutionsFailed alarm), whatever else fails on the way.
"""

from typing import Any

from contract.metadata import Attr, Status
from contract.payloads import (
    SUBJECT_PREFIX,
    Action,
    Notification,
    QuarantineRequest,
    QuarantineResult,
    Stage,
    field_names,
    field_path,
)
from stacks.workflow import records
from stacks.workflow.asl import (
    EXECUTION_ID,
    SNS_PUBLISH,
    State,
    States,
    Substitution,
    catch,
    from_input,
    invoke,
    service_task,
    substituted,
    task_request,
)

QUARANTINE = "Quarantine"
QUARANTINE_FAILED = "QuarantineFailed"
RECORD_FAILURE = "RecordFailure"
NOTIFY = "Notify"
NOTIFY_PLAIN = "NotifyWithPlainSubject"
PIPELINE_FAILED = "PipelineFailed"

# Where the failure path keeps what it knows in the execution state.
ERROR = "$.error"  # the caught error (Error, Cause) of the failed main-path task
FAILED_STAGE = "$.failed_stage"  # the pipeline stage of that task (Stage)
FAILURE = "$.failure"  # the quarantine's result (QuarantineResult)


def failed(name: str) -> str:
    """The marker state through which main-path state ``name`` enters the failure path."""
    return f"{name}Failed"


def catch_into(name: str) -> list[dict[str, Any]]:
    """The Catch of main-path task ``name``: any error goes to its marker, kept at ``ERROR``."""
    return catch(failed(name), ERROR)


def entry(name: str, stage: Stage) -> States:
    """The marker of main-path state ``name``: remember ``stage``, then quarantine."""
    marker = {
        "Type": "Pass",
        "Comment": f"Remember that {name} failed, for the notification",
        "Result": stage.value,
        "ResultPath": FAILED_STAGE,
        "Next": QUARANTINE,
    }
    return {failed(name): marker}


def states() -> States:
    """Every failure-path state after the markers."""
    return {
        QUARANTINE: _quarantine(),
        QUARANTINE_FAILED: _quarantine_failed(),
        RECORD_FAILURE: _record_failure(),
        NOTIFY: _notify(),
        NOTIFY_PLAIN: _notify_plain(),
        PIPELINE_FAILED: {
            "Type": "Fail",
            "Error": "PipelineFailed",
            "Cause": "Processing failed; see the metadata table and the notification",
        },
    }


def _failure(name: str) -> str:
    return field_path(FAILURE, QuarantineResult, name)


def _quarantine() -> State:
    payload = task_request(
        QuarantineRequest, action=Action.QUARANTINE.value, stage=FAILED_STAGE, error=ERROR
    )
    return {
        **invoke(
            substituted(Substitution.VALIDATION_FUNCTION_ARN), payload, FAILURE, RECORD_FAILURE
        ),
        "Comment": "Move the file to failed/ if it is still under raw/",
        "ResultSelector": {
            f"{name}.$": field_path("$.Payload", QuarantineResult, name)
            for name in ("quarantined", "error_message")
        },
        "Catch": catch(QUARANTINE_FAILED, "$.quarantine_error"),
    }


def _quarantine_failed() -> State:
    return {
        "Type": "Pass",
        "Comment": "Quarantine failed: record and notify the raw cause instead",
        "Parameters": {"quarantined": False, "error_message.$": f"{ERROR}.Cause"},
        "ResultPath": FAILURE,
        "Next": RECORD_FAILURE,
    }


def _record_failure() -> State:
    return {
        **records.update_outcome(
            Status.FAILED,
            {Attr.ERROR_MESSAGE: (":error", {"S.$": _failure("error_message")})},
            NOTIFY,
        ),
        "Catch": catch(NOTIFY, "$.record_failure_error"),
    }


def _message() -> dict[str, str]:
    """The notification body (contract ``Notification``) from the execution state."""
    sources = {
        "file": from_input("key"),
        "bucket": from_input("bucket"),
        "stage": FAILED_STAGE,
        "error": _failure("error_message"),
        "execution_arn": EXECUTION_ID,
    }
    return {f"{name}.$": sources[name] for name in field_names(Notification)}


def _publish(subject: dict[str, str], next_state: str) -> State:
    parameters = {"TopicArn": substituted(Substitution.TOPIC_ARN), **subject, "Message": _message()}
    return service_task(SNS_PUBLISH, parameters, next_state)


def _notify() -> State:
    subject = {"Subject.$": f"States.Format('{SUBJECT_PREFIX}{{}}', {from_input('key')})"}
    return {
        **_publish(subject, PIPELINE_FAILED),
        # SNS refuses subjects over 100 characters or with non-ASCII: retry without the key.
        "Catch": catch(NOTIFY_PLAIN, "$.notify_error"),
    }


def _notify_plain() -> State:
    return {
        **_publish({"Subject": SUBJECT_PREFIX.rstrip(": ")}, PIPELINE_FAILED),
        "Catch": catch(PIPELINE_FAILED, "$.notify_error"),
    }
