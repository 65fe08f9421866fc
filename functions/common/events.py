"""Parsing of the events the handlers receive (docs/interfaces.md), with clear errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from contract.keys import triggers_pipeline

MAX_MESSAGE_BYTES = 1000  # error messages returned to the workflow stay below 1 KB


class SourceMissingError(Exception):
    """The raw/ object version is gone and no earlier outcome for it exists."""


class TransformationError(Exception):
    """The core rejected a file that had passed validation (e.g. the object changed)."""


def truncate_utf8(text: str, max_bytes: int) -> str:
    """Cut `text` to at most `max_bytes` of UTF-8, marking the cut with an ellipsis."""
    data = text.encode()
    if len(data) <= max_bytes:
        return text
    return data[: max_bytes - 3].decode(errors="ignore") + "..."


@dataclass(frozen=True, slots=True)
class S3Object:
    """One object from an S3 notification record, key URL-decoded."""

    bucket: str
    key: str
    version_id: str
    etag: str
    sequencer: str = ""


def is_s3_notification(event: Mapping[str, Any]) -> bool:
    """An S3 bucket notification (or the s3:TestEvent S3 sends when one is configured)."""
    return "Records" in event or event.get("Event") == "s3:TestEvent"


def s3_objects(event: Mapping[str, Any]) -> Iterator[S3Object | None]:
    """Each record's object, or None for a record to ignore (not a created raw/*.csv object)."""
    records = event.get("Records") or []
    if not isinstance(records, list):
        raise ValueError("S3 event 'Records' must be a list")
    for record in records:
        try:
            s3 = record["s3"]
            bucket = s3["bucket"]["name"]
            obj = s3["object"]
            key = unquote_plus(obj["key"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed S3 event record: missing {exc}") from exc
        event_name = str(record.get("eventName", "ObjectCreated:"))
        if not (event_name.startswith("ObjectCreated:") and triggers_pipeline(key)):
            yield None
            continue
        yield S3Object(
            bucket=bucket,
            key=key,
            version_id=str(obj.get("versionId") or ""),
            etag=str(obj.get("eTag") or "").strip('"'),
            sequencer=str(obj.get("sequencer") or ""),
        )
