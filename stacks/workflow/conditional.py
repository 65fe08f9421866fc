"""Newest upload wins, in Amazon States Language: a conditional S3 write as states.

The same rule as ``functions.common.conditional``, for the failure path's own S3 calls
(Step Functions' AWS SDK integrations, so quarantine works while a function is broken):
read who holds the key (HeadObject: the ``rank`` and ``version`` user metadata), stop if
it is this upload or a newer one, else write on condition that the key still holds what was
read (``IfMatch`` its ETag, or ``IfNoneMatch: *`` when absent). A write that loses the
condition (412, or 409 for a concurrent write) reads the holder again. Ranks are fixed-width
(``contract.ordering``), so a Choice compares them as strings.
"""

from collections.abc import Callable
from typing import Any

from contract.ordering import RANK_METADATA, VERSION_METADATA
from stacks.workflow.asl import (
    SERVICE_RETRY_ATTEMPTS,
    State,
    States,
    from_input,
    retry,
    s3_sdk,
)

#: Where the holder of the key being written is kept while deciding.
HOLDER = "$.holder"
#: Where a failed S3 call of the failure path leaves its error.
S3_ERROR = "$.s3_error"
#: What Step Functions names S3 errors (AWS SDK integrations: S3.<Exception>, else S3.S3Exception).
NO_SUCH_KEY = "S3.NoSuchKeyException"
S3_EXCEPTION = "S3.S3Exception"
# HTTP statuses of a lost condition: precondition failed, or a concurrent conditional write.
_LOST_CONDITION = ("*Status Code: 412*", "*Status Code: 409*")

#: conditions -> the Parameters of the write (CopyObject or PutObject) under them.
WriteParameters = Callable[[dict[str, str]], dict[str, Any]]


def metadata() -> dict[str, str]:
    """The user metadata that records which upload an object came from."""
    return {
        f"{RANK_METADATA}.$": from_input("rank"),
        f"{VERSION_METADATA}.$": from_input("version_id"),
    }


def _s3_retry() -> list[dict[str, Any]]:
    """A missing key is an answer, not a fault: never retried. Anything else is."""
    no_retry = {"ErrorEquals": [NO_SUCH_KEY], "MaxAttempts": 0}
    (retrier,) = retry(lambda_task=False)
    assert retrier["MaxAttempts"] == SERVICE_RETRY_ATTEMPTS
    return [no_retry, retrier]


def _task(api: str, parameters: dict[str, Any], next_state: str) -> State:
    return {
        "Type": "Task",
        "Resource": s3_sdk(api),
        "Parameters": parameters,
        "ResultPath": None,
        "Retry": _s3_retry(),
        "Next": next_state,
    }


def write_if_newest(
    name: str,
    key_path: str,
    write: tuple[str, WriteParameters],
    *,
    done: str,
    superseded: str,
    failed: str,
    source_gone: str | None = None,
) -> States:
    """States ``<name>Holder`` (the entry) ... that write ``key_path``'s object if newest.

    ``write`` is the S3 API action and its Parameters under given conditions. Next states:
    ``done`` (written, or already this upload's), ``superseded`` (a newer upload holds it),
    ``failed`` (S3 kept failing; the error at S3_ERROR), ``source_gone`` (a copy whose source
    version no longer exists; default ``failed``).
    """
    api, parameters = write
    holder, newer, new, overwrite, lost = (
        f"{name}{part}" for part in ("Holder", "Newer", "New", "Overwrite", "Lost")
    )
    failure = [{"ErrorEquals": ["States.ALL"], "ResultPath": S3_ERROR, "Next": failed}]

    def writing(conditions: dict[str, str]) -> State:
        gone = [
            {"ErrorEquals": [NO_SUCH_KEY], "ResultPath": S3_ERROR, "Next": source_gone or failed}
        ]
        lost_it = [{"ErrorEquals": [S3_EXCEPTION], "ResultPath": S3_ERROR, "Next": lost}]
        return {**_task(api, parameters(conditions), done), "Catch": gone + lost_it + failure}

    head = _task("headObject", {"Bucket.$": from_input("bucket"), "Key.$": key_path}, newer)
    rank, version = f"{HOLDER}.metadata.{RANK_METADATA}", f"{HOLDER}.metadata.{VERSION_METADATA}"
    return {
        holder: {
            **head,
            # The whole metadata map: an object without our keys (written before this rule)
            # must not fail the path (a missing JSONPath is an uncatchable States.Runtime);
            # the Choice treats it as the oldest holder.
            "ResultSelector": {"etag.$": "$.ETag", "metadata.$": "$.Metadata"},
            "ResultPath": HOLDER,
            "Catch": [
                {"ErrorEquals": [NO_SUCH_KEY], "ResultPath": S3_ERROR, "Next": new},
                *failure,
            ],
        },
        newer: {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        {"Not": {"Variable": from_input("version_id"), "StringEquals": ""}},
                        {"Variable": version, "IsPresent": True},
                        {"Variable": version, "StringEqualsPath": from_input("version_id")},
                    ],
                    "Next": done,
                },
                {
                    "And": [
                        {"Variable": rank, "IsPresent": True},
                        {"Variable": rank, "StringGreaterThanEqualsPath": from_input("rank")},
                    ],
                    "Next": superseded,
                },
            ],
            "Default": overwrite,
        },
        new: writing({"IfNoneMatch": "*"}),
        overwrite: writing({"IfMatch.$": f"{HOLDER}.etag"}),
        lost: {
            "Type": "Choice",
            "Comment": "Lost the condition: someone wrote the key since it was read; read again",
            "Choices": [
                {
                    "Or": [
                        {"Variable": f"{S3_ERROR}.Cause", "StringMatches": pattern}
                        for pattern in _LOST_CONDITION
                    ],
                    "Next": holder,
                }
            ],
            "Default": failed,
        },
    }
