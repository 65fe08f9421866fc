"""The failure path: describe the failure, quarantine the file, record, notify, fail.

A main-path task enters it through its ``<Task>Failed`` marker (``entry``) with the error at
ERROR. Quarantine uses Step Functions' own S3 integrations (``conditional``), never a
function, so it works while a function is the thing that is broken: the original version is
copied to failed/<path> (tags kept), the report written beside it, then the raw/ version
deleted, each write only if failed/ does not hold a newer upload of the key (then this
attempt is SUPERSEDED). If S3 itself keeps failing, the file stays under raw/, the failure
is still recorded and notified, and the execution fails for a sweep to retry. Every Catch
moves forward, so the path always ends.
"""

from typing import Any

from contract.metadata import Attr, Status
from contract.payloads import (
    Notification,
    Stage,
    ValidateResult,
    field_names,
    field_path,
)
from contract.proof import NO_AMOUNT
from stacks.workflow import conditional, records
from stacks.workflow.asl import (
    EXECUTION_ID,
    SNS_PUBLISH,
    State,
    States,
    Substitution,
    catch,
    from_input,
    merge,
    number,
    service_task,
    substituted,
)

DESCRIBE = "DescribeFailure"
QUARANTINE = "QuarantineFile"
REPORT = "QuarantineReport"
DELETE_RAW = "QuarantineDeleteRaw"
QUARANTINE_FAILED = "QuarantineFailed"
RECORD_FAILURE = "RecordFailure"
#: Which record: with the validation's figures (the Transform failed), or without (pipeline.md §2).
RECORD_WHICH = "RecordFailureWhich"
RECORD_VALIDATED_FAILURE = "RecordValidatedFailure"
NOTIFY = "Notify"
FINISH = "FinishFailure"
PIPELINE_FAILED = "PipelineFailed"
SUPERSEDED_DELETE_RAW = "SupersededDeleteRaw"
RECORD_SUPERSEDED = "RecordSupersededFailure"
#: Where every superseded attempt ends (main path too): a success, no alarm.
FINISH_SUPERSEDED = "FinishSuperseded"
SUPERSEDED = "Superseded"

# Where the failure path keeps what it knows in the execution state.
ERROR = "$.error"  # the caught error (Error, Cause) of the failed main-path task
FAILED_STAGE = "$.failed_stage"  # the pipeline stage of that task (Stage)
FAILURE = "$.failure"  # error_message (recorded, notified) and report (failed/<path>.error.json)
MESSAGE = f"{FAILURE}.error_message"
#: The Validate task's result (main_path.VALIDATION's Payload; main_path imports this module).
VALIDATION_RESULT = "$.validation.Payload"


def failed(name: str) -> str:
    """The marker state through which main-path state ``name`` enters the failure path."""
    return f"{name}Failed"


def catch_into(name: str) -> list[dict[str, Any]]:
    """The Catch of main-path task ``name``: any error goes to its marker, kept at ``ERROR``."""
    return catch(failed(name), ERROR)


def entry(name: str, stage: Stage) -> States:
    """The marker of main-path state ``name``: remember ``stage``, then describe the failure."""
    marker = {
        "Type": "Pass",
        "Comment": f"Remember that {name} failed, for the report and the notification",
        "Result": stage.value,
        "ResultPath": FAILED_STAGE,
        "Next": DESCRIBE,
    }
    return {failed(name): marker}


def states() -> States:
    """Every failure-path state after the markers."""
    return merge(
        {DESCRIBE: _describe()},
        conditional.write_if_newest(
            QUARANTINE,
            from_input("failed_key"),
            ("copyObject", _copy),
            done=f"{REPORT}Holder",
            superseded=SUPERSEDED_DELETE_RAW,
            failed=QUARANTINE_FAILED,
            source_gone=RECORD_WHICH,
        ),
        conditional.write_if_newest(
            REPORT,
            from_input("error_report_key"),
            ("putObject", _put_report),
            done=DELETE_RAW,
            superseded=DELETE_RAW,  # a newer failed upload's report: leave it
            failed=QUARANTINE_FAILED,
        ),
        {
            DELETE_RAW: _delete_raw(RECORD_WHICH),
            QUARANTINE_FAILED: _quarantine_failed(),
            RECORD_WHICH: _record_which(),
            RECORD_FAILURE: records.update_outcome(Status.FAILED, _failure(), NOTIFY),
            RECORD_VALIDATED_FAILURE: records.update_outcome(
                Status.FAILED, {**_failure(), **_validated_figures()}, NOTIFY
            ),
            NOTIFY: notify(FAILED_STAGE, MESSAGE, FINISH),
            SUPERSEDED_DELETE_RAW: _delete_raw(RECORD_SUPERSEDED),
            RECORD_SUPERSEDED: records.update_outcome(Status.SUPERSEDED, {}, FINISH_SUPERSEDED),
        },
        records.finish(
            FINISH,
            PIPELINE_FAILED,
            {
                "Type": "Fail",
                "Error": "PipelineFailed",
                "Cause": "Processing failed; see the metadata table and the notification",
            },
        ),
        records.finish(
            FINISH_SUPERSEDED,
            SUPERSEDED,
            {"Type": "Succeed", "Comment": "A newer upload of the key holds the outcome"},
        ),
        records.bookkeeping_failed(),
    )


def _describe() -> State:
    """The message to record and notify, and the report: from the caught error."""
    report = {
        "file.$": from_input("key"),
        "bucket.$": from_input("bucket"),
        "version_id.$": from_input("version_id"),
        "sequencer.$": from_input("sequencer"),
        "execution_arn.$": EXECUTION_ID,
        "stage.$": FAILED_STAGE,
        "outcome": "quarantined",
        "error.$": f"States.Format('{{}}: {{}}', {ERROR}.Error, {ERROR}.Cause)",
        "caught.$": ERROR,
    }
    return {
        "Type": "Pass",
        "Parameters": {
            "error_message.$": f"States.Format('{{}}: {{}}', {ERROR}.Error, {ERROR}.Cause)",
            "report": report,
        },
        "ResultPath": FAILURE,
        "Next": f"{QUARANTINE}Holder",
    }


def _copy(conditions: dict[str, str]) -> dict[str, Any]:
    """CopyObject of the raw/ version to failed/<path>: bytes and tags as uploaded."""
    return {
        "Bucket.$": from_input("bucket"),
        "Key.$": from_input("failed_key"),
        "CopySource.$": from_input("copy_source"),
        "MetadataDirective": "REPLACE",
        "ContentType": "text/csv",
        "Metadata": conditional.metadata(),
        **conditions,
    }


def _put_report(conditions: dict[str, str]) -> dict[str, Any]:
    return {
        "Bucket.$": from_input("bucket"),
        "Key.$": from_input("error_report_key"),
        "Body.$": f"States.JsonToString({FAILURE}.report)",
        "ContentType": "application/json",
        "Metadata": conditional.metadata(),
        **conditions,
    }


def _delete_raw(next_state: str) -> State:
    """Delete the raw/ version (only once its outcome is written); a newer upload stays."""
    parameters = {
        "Bucket.$": from_input("bucket"),
        "Key.$": from_input("key"),
        "VersionId.$": from_input("version_id"),
    }
    return {
        **service_task(conditional.s3_sdk("deleteObject"), parameters, next_state),
        "Catch": catch(QUARANTINE_FAILED, conditional.S3_ERROR),
    }


def _quarantine_failed() -> State:
    return {
        "Type": "Pass",
        "Comment": "S3 kept failing: the file stays under raw/; record and notify anyway",
        "Parameters": {
            "error_message.$": f"States.Format('{{}} (not moved to failed/: {{}})', {MESSAGE}, {conditional.S3_ERROR}.Cause)",
        },
        "ResultPath": FAILURE,
        "Next": RECORD_WHICH,
    }


def _failure() -> dict[str, records.Assignment]:
    return {
        Attr.ERROR_MESSAGE: (":error", {"S.$": MESSAGE}),
        Attr.OUTPUT_KEY: (":output", {"S.$": from_input("failed_key")}),
    }


def _validation(name: str) -> str:
    return field_path(VALIDATION_RESULT, ValidateResult, name)


def _record_which() -> State:
    """A file that passed Validate (its result is in the state) keeps its counts and proof."""
    return {
        "Type": "Choice",
        "Choices": [
            {
                "And": [
                    {"Variable": _validation("source_sha256"), "IsPresent": True},
                    {"Variable": _validation("rows_total"), "IsNumeric": True},
                ],
                "Next": RECORD_VALIDATED_FAILURE,
            }
        ],
        "Default": RECORD_FAILURE,
    }


def _validated_figures() -> dict[str, records.Assignment]:
    """The validation's counts; its outcome is the failed/ copy of the source (pipeline.md §2)."""
    return {
        Attr.ROWS_TOTAL: (":total", number(_validation("rows_total"))),
        Attr.ROWS_VALID: (":valid", number(_validation("rows_valid"))),
        Attr.ROWS_REJECTED: (":rejected", number(_validation("rows_rejected"))),
        Attr.AMOUNT_TOTAL: (":amount", {"S": NO_AMOUNT}),
        Attr.SOURCE_SHA256: (":source", {"S.$": _validation("source_sha256")}),
        Attr.OUTPUT_SHA256: (":digest", {"S.$": _validation("source_sha256")}),
    }


def notify(stage: str, message: str, next_state: str) -> State:
    """Publish the failure notification; a failure is bookkeeping (remembered, goes on)."""
    sources = {
        "file": from_input("key"),
        "version_id": from_input("version_id"),
        "bucket": from_input("bucket"),
        "stage": stage,
        "error": message,
        "execution_arn": EXECUTION_ID,
    }
    body = {
        (f"{name}.$" if sources[name].startswith("$") else name): sources[name]
        for name in field_names(Notification)
    }
    parameters = {
        "TopicArn": substituted(Substitution.TOPIC_ARN),
        "Subject.$": from_input("subject"),
        "Message": body,
    }
    return {
        **service_task(SNS_PUBLISH, parameters, next_state),
        "Catch": catch(next_state, records.BOOKKEEPING_ERROR),
    }
