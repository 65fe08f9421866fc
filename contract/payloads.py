"""The JSON exchanged between the S3 trigger, the state machine and the functions.

Each payload is a frozen dataclass: the functions build results with it and parse requests
with ``from_event`` (a clear ValueError names a bad field); the workflow definition addresses
the same fields through ``field_path``, which refuses a name the dataclass does not have, so
the two sides cannot drift. Field meanings are in docs/interfaces.md.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final
from urllib.parse import quote

from contract.keys import FileKeys
from contract.ordering import rank
from contract.proof import NO_AMOUNT

#: Subject of every failure notification: this prefix, then the object key.
SUBJECT_PREFIX: Final = "CSV ETL failure: "
MAX_SUBJECT: Final = 99  # SNS: "less than 100 characters", printable ASCII, no line breaks


def subject(key: str) -> str:
    """``CSV ETL failure: <key>``, ASCII-only and cut at the front so the file name survives."""
    safe = "".join(ch if " " <= ch <= "~" else "?" for ch in key)
    room = MAX_SUBJECT - len(SUBJECT_PREFIX)
    if len(safe) > room:
        safe = "..." + safe[-(room - 3) :]
    return SUBJECT_PREFIX + safe


class Action(StrEnum):
    """What a workflow task asks the validation function to do."""

    VALIDATE = "validate"


class Stage(StrEnum):
    """The pipeline stage a failure happened in (the notification's ``stage``)."""

    METADATA = "metadata"
    VALIDATION = "validation"
    TRANSFORMATION = "transformation"
    WORKFLOW = "workflow"


def field_names(payload: type) -> tuple[str, ...]:
    """The JSON field names of a payload class, in declaration order."""
    return tuple(f.name for f in dataclasses.fields(payload))


def field_path(prefix: str, payload: type, name: str) -> str:
    """JSONPath ``<prefix>.<name>`` to a field of ``payload``; KeyError for an unknown name."""
    names = field_names(payload)
    if name not in names:
        raise KeyError(f"{payload.__name__} has no field {name!r} (fields: {sorted(names)})")
    return f"{prefix}.{name}"


def _string(event: Mapping[str, Any], name: str, *, required: bool) -> str:
    value = event.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise ValueError(f"event field {name!r} must be a non-empty string, got {value!r}")
    return value


class _Payload:
    """JSON conversion shared by every payload."""

    def to_dict(self) -> dict[str, Any]:
        """The payload as JSON-able fields (StrEnums as their values)."""
        return {
            f.name: getattr(self, f.name).value
            if isinstance(getattr(self, f.name), StrEnum)
            else getattr(self, f.name)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        }

    def to_json(self) -> str:
        """The payload as one JSON document (non-ASCII kept)."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class ExecutionInput(_Payload):
    """The StartExecution input: strings, never null (``""`` when S3 gave no version/etag).

    Besides what S3 said about the upload (bucket, key, version, etag, sequencer) it carries
    what the workflow's own calls need and Amazon States Language cannot compute: the
    upload's rank (``contract.ordering``), the failed/ keys (``contract.keys``, long keys
    shortened), the URL-encoded CopySource of the version and the notification's subject
    (SNS-safe). Build it with ``of``.
    """

    bucket: str
    key: str
    version_id: str
    etag: str
    sequencer: str
    rank: str
    failed_key: str
    error_report_key: str
    copy_source: str
    subject: str

    @classmethod
    def of(
        cls, bucket: str, key: str, version_id: str, etag: str, sequencer: str
    ) -> ExecutionInput:
        """The input for one upload; ValueError for a key outside raw/ or a bad sequencer."""
        keys = FileKeys.of(key)
        source = quote(f"{bucket}/{key}", safe="/~")
        if version_id:
            source += "?versionId=" + quote(version_id, safe="")
        return cls(
            bucket=bucket,
            key=key,
            version_id=version_id,
            etag=etag,
            sequencer=sequencer,
            rank=rank(sequencer),
            failed_key=keys.failed,
            error_report_key=keys.error_report,
            copy_source=source,
            subject=subject(key),
        )


@dataclass(frozen=True, slots=True)
class TaskRequest(_Payload):
    """What every workflow task sends a function: which upload (version and sequencer), which
    execution."""

    bucket: str
    key: str
    version_id: str
    sequencer: str
    execution_arn: str

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> TaskRequest:
        """Check the fields of a Validate/Transform event; ValueError names a bad one."""
        request = TaskRequest(
            bucket=_string(event, "bucket", required=True),
            key=_string(event, "key", required=True),
            version_id=_string(event, "version_id", required=False),
            sequencer=_string(event, "sequencer", required=False),
            execution_arn=_string(event, "execution_arn", required=False),
        )
        FileKeys.of(request.key)  # a raw/ key, or ValueError
        rank(request.sequencer)  # hex, or ValueError
        return request

    @property
    def rank(self) -> str:
        """The upload's place among the uploads of its key (``contract.ordering``)."""
        return rank(self.sequencer)

    @property
    def keys(self) -> FileKeys:
        """Every key derived from the raw object key."""
        return FileKeys.of(self.key)


@dataclass(frozen=True, slots=True)
class ValidateRequest(TaskRequest):
    """The Validate task: a TaskRequest with ``action`` set (the S3 trigger has none)."""

    action: Action = Action.VALIDATE


@dataclass(frozen=True, slots=True)
class ValidateResult(_Payload):
    """The validation function's answer to a Validate task (with its proof of processing)."""

    valid: bool
    rows_total: int
    rows_valid: int
    rows_rejected: int
    error: str
    outcome_key: str
    #: An invalid file that was not filed: a newer upload of the key already holds failed/.
    superseded: bool = False
    #: A valid file's transformed output, waiting under staging/ for the Transform task.
    staged_key: str = ""
    #: Sum of the amounts of the output (valid: the staged output; else NO_AMOUNT).
    amount_total: str = NO_AMOUNT
    #: sha256 of the source version's bytes ("" when it was not read).
    source_sha256: str = ""
    #: sha256 of the outcome's bytes: the staged output (valid), the failed/ copy (invalid).
    output_sha256: str = ""

    @classmethod
    def of(cls, valid: bool, counts: Mapping[str, Any], **fields: Any) -> ValidateResult:
        """A result from the row counts and proof fields (``rows_total``... ``output_sha256``)."""
        names = set(field_names(cls)) - {"valid", *fields}
        return cls(valid=valid, **{n: v for n, v in counts.items() if n in names}, **fields)


@dataclass(frozen=True, slots=True)
class TransformResult(_Payload):
    """The transformation function's answer to a Transform task (with its proof of processing)."""

    output_key: str
    rows_total: int
    rows_valid: int
    rows_rejected: int
    #: Not written: processed/ already holds the output of a newer upload of the key.
    superseded: bool = False
    #: Sum of the amounts written to processed/ (NO_AMOUNT when superseded).
    amount_total: str = NO_AMOUNT
    source_sha256: str = ""
    #: sha256 of the bytes of processed/<path> ("" when superseded).
    output_sha256: str = ""

    @classmethod
    def of(
        cls, output_key: str, figures: Mapping[str, Any], *, superseded: bool = False
    ) -> TransformResult:
        """A result from the row counts and proof fields (``rows_total``... ``output_sha256``)."""
        names = set(field_names(cls)) - {"output_key", "superseded"}
        known = {n: v for n, v in figures.items() if n in names}
        return cls(output_key=output_key, superseded=superseded, **known)


def action_of(event: Mapping[str, Any]) -> Action | None:
    """The task action an event asks for, or None (an S3 notification, or not ours)."""
    value = event.get("action")
    try:
        return Action(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Notification(_Payload):
    """The JSON body of every failure notification (its subject is ``SUBJECT_PREFIX + key``)."""

    file: str
    version_id: str
    bucket: str
    stage: str
    error: str
    execution_arn: str
