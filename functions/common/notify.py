"""The SNS failure notification of docs/interfaces.md: subject names the file, body is JSON."""

from __future__ import annotations

from typing import Any

from contract.payloads import SUBJECT_PREFIX, Notification

MAX_SUBJECT = 99  # SNS: "less than 100 characters", printable ASCII, no line breaks
MAX_ERROR = 4096  # the body stays far below SNS's 256 KiB; the full report is in S3


def subject(key: str) -> str:
    """`CSV ETL failure: <key>`, ASCII-only and truncated at the front so the file name survives."""
    safe = "".join(ch if " " <= ch <= "~" else "?" for ch in key)
    room = MAX_SUBJECT - len(SUBJECT_PREFIX)
    if len(safe) > room:
        safe = "..." + safe[-(room - 3) :]
    return SUBJECT_PREFIX + safe


def message(*, key: str, bucket: str, stage: str, error: str, execution_arn: str) -> str:
    """The JSON body: file, bucket, stage, error, execution_arn."""
    if len(error) > MAX_ERROR:
        error = error[: MAX_ERROR - 3] + "..."
    return Notification(
        file=key, bucket=bucket, stage=stage, error=error, execution_arn=execution_arn
    ).to_json()


def publish_failure(
    sns: Any,
    topic_arn: str,
    *,
    key: str,
    bucket: str,
    stage: str,
    error: str,
    execution_arn: str,
) -> str:
    """Publish the failure notification; return the SNS message id."""
    response = sns.publish(
        TopicArn=topic_arn,
        Subject=subject(key),
        Message=message(
            key=key, bucket=bucket, stage=stage, error=error, execution_arn=execution_arn
        ),
    )
    return str(response["MessageId"])
