"""Newest upload wins: S3 conditional writes of the pipeline's outcome objects.

Every object the functions write under processed/ or failed/ carries, as user metadata, the
rank (``contract.ordering``) and version id of the upload it came from. A write first reads
who holds the key; it proceeds only if that holder is older, and then only on condition that
the key still holds exactly that object (``If-Match: <its ETag>``, or ``If-None-Match: *``
when the key is absent). S3 evaluates the condition atomically with the write, so of two
attempts racing for one key the older can never overwrite the newer: it loses the condition
(412 Precondition Failed, or 409 ConditionalRequestConflict for a concurrent write), reads
the holder again and finds it newer (docs/pipeline.md §7).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from contract.ordering import RANK_METADATA, VERSION_METADATA
from functions.common.s3 import MiB, head

#: Objects up to this size are written in one PutObject/CopyObject; larger ones in parts.
SINGLE_REQUEST_BYTES = 16 * MiB
PART_BYTES = 16 * MiB
COPY_PART_BYTES = 512 * MiB
SINGLE_COPY_BYTES = 5 * 1024 * MiB  # CopyObject's own limit
#: Rounds of read-holder-then-write before giving up (each lost round means another writer won).
MAX_ROUNDS = 8

_LOST = {"PreconditionFailed", "412", "ConditionalRequestConflict", "409"}

#: (conditions, metadata) -> None: one conditional write of the object.
Write = Callable[[dict[str, str], dict[str, str]], None]


class Written(StrEnum):
    """What a conditional write did."""

    WRITTEN = "written"  # this upload's object is there now
    ALREADY = "already"  # it was already there (a retry of this very upload)
    SUPERSEDED = "superseded"  # a newer upload's object is there; nothing was written


class ConflictError(Exception):
    """Other writers kept winning the key for MAX_ROUNDS rounds (the workflow retries)."""


@dataclass(frozen=True, slots=True)
class Upload:
    """The upload an outcome object comes from: its rank among the key's uploads, its version."""

    rank: str
    version_id: str

    def metadata(self) -> dict[str, str]:
        """The user metadata that records it on the written object."""
        return {RANK_METADATA: self.rank, VERSION_METADATA: self.version_id}


@dataclass(frozen=True, slots=True)
class Holder:
    """The object a key holds now: its ETag, the upload it came from, all its user metadata."""

    etag: str
    upload: Upload
    metadata: dict[str, str]


def holder(s3: Any, bucket: str, key: str) -> Holder | None:
    """Who holds ``key`` (None when absent); an object without our metadata ranks lowest."""
    described = head(s3, bucket, key)
    if described is None:
        return None
    metadata = described.get("Metadata", {})
    upload = Upload(metadata.get(RANK_METADATA, ""), metadata.get(VERSION_METADATA, ""))
    return Holder(str(described["ETag"]), upload, dict(metadata))


def write_if_newest(s3: Any, bucket: str, key: str, upload: Upload, write: Write) -> Written:
    """Write ``key`` unless it holds this upload already or a newer one (see the module doc)."""
    for _ in range(MAX_ROUNDS):
        current = holder(s3, bucket, key)
        if current is not None:
            same_version = (
                bool(upload.version_id) and current.upload.version_id == upload.version_id
            )
            if same_version or current.upload == upload:
                return Written.ALREADY
            if current.upload.rank >= upload.rank:  # newer, or as new but another version
                return Written.SUPERSEDED
        conditions = {"IfMatch": current.etag} if current else {"IfNoneMatch": "*"}
        try:
            write(conditions, upload.metadata())
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _LOST:
                continue  # someone wrote the key since we read it: look again
            raise
        return Written.WRITTEN
    raise ConflictError(f"s3://{bucket}/{key}: lost {MAX_ROUNDS} conditional writes in a row")


def put_bytes(s3: Any, bucket: str, key: str, body: bytes, content_type: str) -> Write:
    """A Write of a small object."""

    def write(conditions: dict[str, str], metadata: dict[str, str]) -> None:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            Metadata=metadata,
            **conditions,
        )

    return write


def upload_file(
    s3: Any, source: Path, bucket: str, key: str, content_type: str, extra: Mapping[str, str]
) -> Write:
    """A Write of a local file: one PutObject, or a multipart upload above SINGLE_REQUEST_BYTES.

    ``extra`` is further user metadata (the row counts). s3transfer's managed upload does not
    pass If-Match/If-None-Match, so the parts are sent here and the condition goes on
    CompleteMultipartUpload, where S3 evaluates it.
    """

    def write(conditions: dict[str, str], metadata: dict[str, str]) -> None:
        args = {"ContentType": content_type, "Metadata": {**extra, **metadata}}
        size = source.stat().st_size
        if size <= SINGLE_REQUEST_BYTES:
            with source.open("rb") as body:
                s3.put_object(Bucket=bucket, Key=key, Body=body, **args, **conditions)
            return

        def part(upload_id: str, number: int) -> str:
            with source.open("rb") as f:
                f.seek((number - 1) * PART_BYTES)
                chunk = f.read(PART_BYTES)
            response = s3.upload_part(
                Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=chunk
            )
            return str(response["ETag"])

        _multipart(s3, bucket, key, args, -(-size // PART_BYTES), part, conditions)

    return write


def copy_version(
    s3: Any,
    bucket: str,
    source_key: str,
    version_id: str,
    size: int,
    key: str,
    content_type: str,
    extra: Mapping[str, str] | None = None,
) -> Write:
    """A Write that copies one object version server-side (bytes and tags unchanged).

    ``extra`` is further user metadata (a promoted output's figures).
    """
    source = {
        "Bucket": bucket,
        "Key": source_key,
        **({"VersionId": version_id} if version_id else {}),
    }

    def write(conditions: dict[str, str], metadata: dict[str, str]) -> None:
        args = {"ContentType": content_type, "Metadata": {**(extra or {}), **metadata}}
        if size <= SINGLE_COPY_BYTES:
            s3.copy_object(
                Bucket=bucket,
                Key=key,
                CopySource=source,
                MetadataDirective="REPLACE",
                **args,
                **conditions,
            )
            return

        def part(upload_id: str, number: int) -> str:
            first = (number - 1) * COPY_PART_BYTES
            last = min(first + COPY_PART_BYTES, size) - 1
            response = s3.upload_part_copy(
                Bucket=bucket,
                Key=key,
                UploadId=upload_id,
                PartNumber=number,
                CopySource=source,
                CopySourceRange=f"bytes={first}-{last}",
            )
            return str(response["CopyPartResult"]["ETag"])

        _multipart(s3, bucket, key, args, -(-size // COPY_PART_BYTES), part, conditions)

    return write


def _multipart(
    s3: Any,
    bucket: str,
    key: str,
    args: dict[str, Any],
    parts: int,
    part: Callable[[str, int], str],
    conditions: dict[str, str],
) -> None:
    """Create, send ``parts`` parts, complete under ``conditions``; abort on any error."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **args)["UploadId"]
    try:
        etags = [part(upload_id, number) for number in range(1, parts + 1)]
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={
                "Parts": [{"ETag": e, "PartNumber": n} for n, e in enumerate(etags, 1)]
            },
            **conditions,
        )
    except BaseException:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        raise
