"""S3 helpers that stream through /tmp. Every helper takes its client, so tests pass a moto one.

The outcome objects are written by ``functions.common.conditional`` (only if newest).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

MiB = 1024 * 1024

# Uploads and downloads hold about max_concurrency * chunksize in memory: 4 x 16 MiB keeps a
# small function safe, and 10,000 parts of 16 MiB still allow 160 GiB objects.
TRANSFER_CONFIG = TransferConfig(
    multipart_threshold=16 * MiB, multipart_chunksize=16 * MiB, max_concurrency=4
)
# HEAD has no body, so S3 reports a missing key or version only by status: 404, or 405 when
# the version is a delete marker.
_MISSING = {"404", "405", "NoSuchKey", "NoSuchVersion", "NotFound", "MethodNotAllowed"}


def _version_args(version_id: str) -> dict[str, str]:
    return {"VersionId": version_id} if version_id else {}


def head(s3: Any, bucket: str, key: str, version_id: str = "") -> dict[str, Any] | None:
    """HeadObject of the exact version (or the latest when version_id is ""), None if absent.

    Needs s3:ListBucket on the bucket: without it S3 answers 403 for a missing key, which is
    raised here rather than mistaken for "absent".
    """
    try:
        response: dict[str, Any] = s3.head_object(
            Bucket=bucket, Key=key, **_version_args(version_id)
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _MISSING:
            return None
        raise
    return response


class ObjectMissingError(Exception):
    """The object (or the requested version of it) does not exist."""


class TmpSpaceError(OSError):
    """The temporary folder cannot hold the object: the function needs more ephemeral storage."""


def download(
    s3: Any, bucket: str, key: str, version_id: str, dest: Path, *, space_factor: float = 1.0
) -> int:
    """Stream one object version to `dest` (ranged GETs, never whole in memory); return its size.

    Fails early with TmpSpaceError unless /tmp has `space_factor` times the object's size free
    (a transformation also writes its output there), rather than with ENOSPC halfway through.
    """
    described = head(s3, bucket, key, version_id)
    if described is None:
        raise ObjectMissingError(f"s3://{bucket}/{key} version {version_id or 'latest'} not found")
    needed = int(described.get("ContentLength", 0) * space_factor)
    free = shutil.disk_usage(dest.parent).free
    if free < needed:
        raise TmpSpaceError(
            f"s3://{bucket}/{key} needs {needed} bytes in {dest.parent} but only {free} are free: "
            "raise the function's EphemeralStorage"
        )
    try:
        s3.download_file(
            bucket, key, str(dest), ExtraArgs=_version_args(version_id), Config=TRANSFER_CONFIG
        )
    except ClientError as exc:
        if is_missing(exc):  # deleted between the HEAD and the GET
            raise ObjectMissingError(f"s3://{bucket}/{key} vanished while downloading") from exc
        raise
    return dest.stat().st_size


def delete(s3: Any, bucket: str, key: str, version_id: str) -> None:
    """Delete the exact version (or add a delete marker when version_id is "").

    Deleting the version rather than the key leaves a newer upload of the same key untouched.
    """
    s3.delete_object(Bucket=bucket, Key=key, **_version_args(version_id))


JSON_CONTENT_TYPE = "application/json"


def json_bytes(body: Mapping[str, Any]) -> bytes:
    """A small JSON document as the pipeline writes it (indented, keys sorted, UTF-8)."""
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode()


def get_small_json(s3: Any, bucket: str, key: str, limit: int = MiB) -> Any:
    """Read a small JSON document written as ``json_bytes``; None if absent. Refuses more than `limit` bytes."""
    try:
        response = s3.get_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _MISSING:
            return None
        raise
    body = response["Body"]
    try:
        data = body.read(limit + 1)
    finally:
        body.close()
    if len(data) > limit:
        raise ValueError(f"s3://{bucket}/{key} is larger than {limit} bytes")
    return json.loads(data)


def is_missing(exc: ClientError) -> bool:
    """True when a ClientError means the key or version does not exist."""
    return exc.response.get("Error", {}).get("Code") in _MISSING
