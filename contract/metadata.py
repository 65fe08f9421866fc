"""The metadata item of one processing attempt (DynamoDB; docs/interfaces.md, "Metadata item").

The workflow writes it (RecordStart, then one terminal update that carries every attribute
RecordStart writes, so it completes the item even when RecordStart could not write it); the
tools read it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

#: The table's key: one item per attempt of one file.
PARTITION_KEY: Final = "file_name"
SORT_KEY: Final = "process_start_time"


class Status(StrEnum):
    """Where an attempt stands: PROCESSING until the workflow records its end.

    SUPERSEDED: a newer upload of the same key (by S3 sequencer) already holds the place this
    attempt's outcome would go; nothing was overwritten, nobody is notified, no alarm fires.
    """

    PROCESSING = "PROCESSING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    SUPERSEDED = "SUPERSEDED"


#: Statuses an attempt ends in.
TERMINAL: Final = frozenset({Status.SUCCEEDED, Status.FAILED, Status.SUPERSEDED})


class Attr:
    """Attribute names besides the key."""

    STATUS: Final = "status"
    PROCESS_END_TIME: Final = "process_end_time"
    ERROR_MESSAGE: Final = "error_message"
    ROWS_TOTAL: Final = "rows_total"
    ROWS_VALID: Final = "rows_valid"
    ROWS_REJECTED: Final = "rows_rejected"
    EXECUTION_ARN: Final = "execution_arn"
    VERSION_ID: Final = "version_id"
    ETAG: Final = "etag"
    SEQUENCER: Final = "sequencer"
    BUCKET: Final = "bucket"
    OUTPUT_KEY: Final = "output_key"
    #: Proof of processing (docs/pipeline.md §2): the exact sum of the amounts written to
    #: processed/ (a decimal string), sha256 of the source version and of the outcome's bytes.
    AMOUNT_TOTAL: Final = "amount_total"
    SOURCE_SHA256: Final = "source_sha256"
    OUTPUT_SHA256: Final = "output_sha256"
