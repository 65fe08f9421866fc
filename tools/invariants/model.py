"""What the checker compares: the uploads, what the core makes of them, what the pipeline left."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import boto3

from contract.keys import STAGING_PREFIX, FileKeys
from contract.metadata import PARTITION_KEY
from tools.emulator.api_faults import LoggedCall

#: The verdict of an upload whose every promise holds.
OK = "ok"


@dataclass(frozen=True)
class Upload:
    """One uploaded version: where, what, and its S3 sequencer (orders the key's uploads)."""

    key: str
    version_id: str
    sequencer: str
    body: bytes
    #: A valid body the test made the pipeline fail on purpose: expected in failed/.
    quarantined: bool = False
    #: Verdict categories a test expects to break on purpose (it asserts them itself).
    waived: frozenset[str] = frozenset()

    @property
    def valid(self) -> bool:
        """Whether this upload should end in processed/."""
        return expected(self.body).valid and not self.quarantined


@dataclass
class Verdict:
    """What became of one upload: "ok" or the broken promise, with the details."""

    upload: Upload
    category: str = OK
    detail: str = ""
    status: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)  # every one found


@dataclass(frozen=True)
class Expected:
    """What the core makes of a body: valid or not, and the transformed bytes."""

    valid: bool
    output: bytes
    rows_total: int
    rows_valid: int
    rows_rejected: int


@cache
def expected(body: bytes) -> Expected:
    """The core's verdict on ``body`` with the default settings (strict, UTC)."""
    from functions.core import CoreConfig, process_file

    with tempfile.TemporaryDirectory() as tmp:
        source, output = Path(tmp, "in.csv"), Path(tmp, "out.csv")
        source.write_bytes(body)
        outcome = process_file(source, output, config=CoreConfig())
        data = output.read_bytes() if outcome.ok and output.exists() else b""
    return Expected(outcome.ok, data, outcome.rows_total, outcome.rows_valid, outcome.rows_rejected)


@dataclass
class State:
    """What the pipeline left, read once."""

    objects: dict[str, dict[str, Any]]  # key -> {"body", "metadata"} under processed/, failed/
    raw_versions: set[str]  # keys with any version (or delete marker) left under raw/
    items: dict[str, list[dict[str, Any]]]  # file key -> items
    notifications: list[dict[str, Any]]
    calls: list[LoggedCall] | None = None
    checked: dict[str, str] = field(default_factory=dict)
    staged_left: set[str] = field(default_factory=set)  # staging/ keys with any version left
    # Publish calls that reached SNS but whose response the fault harness lost: the workflow
    # retries them, so each may deliver one more copy (at least once, pipeline.md §3).
    lost_publishes: int = 0


def read_state(
    bucket: str,
    items: Iterable[dict[str, Any]],
    notifications: list[dict[str, Any]],
    keys: Iterable[str],
    calls: list[LoggedCall] | None = None,
) -> State:
    """Read the outcome objects of ``keys`` (raw/ keys) and whether raw/ still holds any."""
    s3 = boto3.client("s3")
    objects: dict[str, dict[str, Any]] = {}
    raw_left: set[str] = set()
    # every version under staging/ (a shortened key need not start with its path)
    staged_left = {
        v["Key"]
        for page in s3.get_paginator("list_object_versions").paginate(
            Bucket=bucket, Prefix=STAGING_PREFIX
        )
        for v in page.get("Versions", [])
    }
    for key in set(keys):
        file_keys = FileKeys.of(key)
        for place in (file_keys.processed, file_keys.failed, file_keys.error_report):
            try:
                got = s3.get_object(Bucket=bucket, Key=place)
            except s3.exceptions.NoSuchKey:
                continue
            objects[place] = {"body": got["Body"].read(), "metadata": got.get("Metadata", {})}
        listed = s3.list_object_versions(Bucket=bucket, Prefix=key)
        if any(
            v["Key"] == key for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])
        ):
            raw_left.add(key)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_key.setdefault(str(item.get(PARTITION_KEY, "")), []).append(item)
    return State(objects, raw_left, by_key, notifications, calls, staged_left=staged_left)
