"""The metadata item the workflow writes (contract.metadata): one per execution of a file.

RecordStart puts it as PROCESSING; each outcome (success, invalid file, failure) updates it
with its status, end time and the figures or error of that outcome.
"""

from typing import Any

from contract.metadata import PARTITION_KEY, SORT_KEY, Attr, Status
from stacks.workflow.asl import (
    DDB_PUT,
    DDB_UPDATE,
    EXECUTION_ID,
    EXECUTION_START,
    STATE_ENTERED,
    State,
    Substitution,
    from_input,
    service_task,
    substituted,
)

# An attribute's update: its ExpressionAttributeValues placeholder and the DynamoDB value.
Assignment = tuple[str, dict[str, Any]]


def item_key() -> dict[str, Any]:
    """The item's key: the file and the execution's start, so each attempt has its own item."""
    return {
        PARTITION_KEY: {"S.$": from_input("key")},
        SORT_KEY: {"S.$": EXECUTION_START},
    }


def put_start(next_state: str) -> State:
    """Put the execution's item as PROCESSING, with the object version it processes."""
    item = {
        **item_key(),
        Attr.STATUS: {"S": Status.PROCESSING.value},
        Attr.BUCKET: {"S.$": from_input("bucket")},
        Attr.VERSION_ID: {"S.$": from_input("version_id")},
        Attr.ETAG: {"S.$": from_input("etag")},
        Attr.EXECUTION_ARN: {"S.$": EXECUTION_ID},
    }
    parameters = {"TableName": substituted(Substitution.TABLE_NAME), "Item": item}
    return {
        **service_task(DDB_PUT, parameters, next_state),
        "Comment": "One PROCESSING item per attempt (a retried put rewrites the same item)",
    }


def update_outcome(status: Status, assignments: dict[str, Assignment], next_state: str) -> State:
    """Set the item's status and end time, then each ``attribute: (placeholder, value)``."""
    sets = {Attr.PROCESS_END_TIME: (":end", {"S.$": STATE_ENTERED}), **assignments}
    expression = ", ".join(f"{attr} = {placeholder}" for attr, (placeholder, _) in sets.items())
    parameters = {
        "TableName": substituted(Substitution.TABLE_NAME),
        "Key": item_key(),
        # "status" is a DynamoDB reserved word: an expression names it through #status.
        "UpdateExpression": f"SET #status = :status, {expression}",
        "ExpressionAttributeNames": {"#status": Attr.STATUS},
        "ExpressionAttributeValues": {
            ":status": {"S": status.value},
            **dict(sets.values()),
        },
    }
    return service_task(DDB_UPDATE, parameters, next_state)
