"""The metadata item the workflow writes (contract.metadata): one per execution of a file.

RecordStart puts it as PROCESSING; each outcome (success, invalid file, superseded, failure)
updates it with its status, end time and figures or error. The outcome update also sets every
attribute RecordStart writes (UpdateItem creates a missing item), so when RecordStart could
not write, the outcome still leaves a complete item. A metadata write that fails after its
retries never changes the data outcome: its Catch remembers the error at BOOKKEEPING_ERROR
and the workflow goes on; ``finish`` then ends the execution in BookkeepingFailed.
"""

from typing import Any

from troposphere import Sub

from contract.metadata import PARTITION_KEY, SORT_KEY, Attr, Status
from stacks.workflow.asl import (
    DDB_PUT,
    DDB_UPDATE,
    EXECUTION_ID,
    EXECUTION_START,
    STATE_ENTERED,
    State,
    States,
    Substitution,
    catch,
    from_input,
    is_present,
    service_task,
    substituted,
)

# An attribute's update: its ExpressionAttributeValues placeholder and the DynamoDB value.
Assignment = tuple[str, dict[str, Any]]

#: Where a failed metadata write or notification leaves its error (the execution goes on).
BOOKKEEPING_ERROR = "$.bookkeeping_error"
#: The Fail state of an execution whose data outcome is right but whose record or
#: notification could not be written; its own alarm watches for this error name.
BOOKKEEPING_FAILED = "BookkeepingFailed"


def bookkeeping_metric_name() -> Sub:
    """The metric (namespace CsvEtl) counting BookkeepingFailed executions of this workflow."""
    return Sub("BookkeepingFailures-${StateMachineName}")


def item_key() -> dict[str, Any]:
    """The item's key: the file and the execution's start, so each attempt has its own item."""
    return {
        PARTITION_KEY: {"S.$": from_input("key")},
        SORT_KEY: {"S.$": EXECUTION_START},
    }


def _identity() -> dict[str, dict[str, str]]:
    """What RecordStart writes besides key and status: which upload, which execution."""
    return {
        Attr.BUCKET: {"S.$": from_input("bucket")},
        Attr.VERSION_ID: {"S.$": from_input("version_id")},
        Attr.ETAG: {"S.$": from_input("etag")},
        Attr.SEQUENCER: {"S.$": from_input("sequencer")},
        Attr.EXECUTION_ARN: {"S.$": EXECUTION_ID},
    }


def put_start(next_state: str) -> State:
    """Put the execution's item as PROCESSING; a failure is remembered, the work goes on."""
    item = {**item_key(), Attr.STATUS: {"S": Status.PROCESSING.value}, **_identity()}
    parameters = {"TableName": substituted(Substitution.TABLE_NAME), "Item": item}
    return {
        **service_task(DDB_PUT, parameters, next_state),
        "Comment": "One PROCESSING item per attempt (a retried put rewrites the same item)",
        "Catch": catch(next_state, BOOKKEEPING_ERROR),
    }


def update_outcome(status: Status, assignments: dict[str, Assignment], next_state: str) -> State:
    """Set status, end time, RecordStart's attributes, then each ``attribute: (placeholder, value)``.

    A failure (after the retries) is remembered at BOOKKEEPING_ERROR and goes on to
    ``next_state`` too: the data outcome is already final.
    """
    identity = {attr: (f":{attr}", value) for attr, value in _identity().items()}
    sets = {Attr.PROCESS_END_TIME: (":end", {"S.$": STATE_ENTERED}), **identity, **assignments}
    expression = ", ".join(f"#{attr} = {placeholder}" for attr, (placeholder, _) in sets.items())
    parameters = {
        "TableName": substituted(Substitution.TABLE_NAME),
        "Key": item_key(),
        # "status" and "bucket" are DynamoDB reserved words: every name goes through #name.
        "UpdateExpression": f"SET #status = :status, {expression}",
        "ExpressionAttributeNames": {
            "#status": Attr.STATUS,
            **{f"#{attr}": attr for attr in sets},
        },
        "ExpressionAttributeValues": {
            ":status": {"S": status.value},
            **dict(sets.values()),
        },
    }
    return {
        **service_task(DDB_UPDATE, parameters, next_state),
        "Catch": catch(next_state, BOOKKEEPING_ERROR),
    }


def finish(name: str, outcome_name: str, outcome: State) -> States:
    """Choice ``name``: on to ``outcome`` unless bookkeeping failed on the way (then fail)."""
    return {
        name: {
            "Type": "Choice",
            "Choices": [{**is_present(BOOKKEEPING_ERROR), "Next": BOOKKEEPING_FAILED}],
            "Default": outcome_name,
        },
        outcome_name: outcome,
    }


def bookkeeping_failed() -> States:
    """The Fail state of a right outcome with a missing record or notification."""
    return {
        BOOKKEEPING_FAILED: {
            "Type": "Fail",
            "Error": BOOKKEEPING_FAILED,
            "Cause": "The file's outcome is in S3, but its metadata item or notification could "
            "not be written: see $.bookkeeping_error in the execution history",
        }
    }
