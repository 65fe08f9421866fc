"""The staged output: what the validation function hands the transformation (pipeline.md §1).

The validation function runs the core once; for a valid file it writes the transformed
output to ``staging/<path>.<upload>.staged`` (``contract.keys.FileKeys.staged``: one key per
upload's rank and version, so a retried Validate rewrites the same object), with user
metadata naming the upload (``rank``, ``sourceversion``) and its figures (counts and proof,
``functions.common.proof``). The transformation function never parses: it checks that the
staged object is this upload's and copies it server-side to processed/ under the
newest-upload-wins condition (``functions.common.conditional``). The bucket's default SSE-S3
encrypts it and a lifecycle rule expires whatever a failed execution leaves under staging/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract.keys import FileKeys
from contract.ordering import RANK_METADATA, VERSION_METADATA
from contract.proof import Figures
from functions.common import conditional
from functions.common.s3 import delete, head

CONTENT_TYPE = "text/csv"


class StagedMismatchError(Exception):
    """The staged object names another upload than the one being transformed."""


@dataclass(frozen=True, slots=True)
class Staged:
    """One upload's staged output: its key and exact version, size and figures."""

    key: str
    version_id: str
    size: int
    figures: Figures


def write(
    s3: Any, bucket: str, keys: FileKeys, upload: conditional.Upload, output: Path, figures: Figures
) -> str:
    """Stage ``output`` (one PutObject, or parts above the multipart threshold); its key."""
    key = keys.staged(upload.rank, upload.version_id)
    put = conditional.upload_file(s3, output, bucket, key, CONTENT_TYPE, figures.metadata())
    put({}, upload.metadata())  # unconditional: only this upload's execution writes this key
    return key


def read(s3: Any, bucket: str, keys: FileKeys, upload: conditional.Upload) -> Staged | None:
    """This upload's staged output (None when absent); StagedMismatchError if it is another's."""
    key = keys.staged(upload.rank, upload.version_id)
    described = head(s3, bucket, key)
    if described is None:
        return None
    metadata = described.get("Metadata", {})
    named = conditional.Upload(metadata.get(RANK_METADATA, ""), metadata.get(VERSION_METADATA, ""))
    if named != upload:
        raise StagedMismatchError(f"s3://{bucket}/{key} holds the output of {named}, not {upload}")
    return Staged(
        key,
        str(described.get("VersionId") or ""),
        int(described["ContentLength"]),
        Figures.from_metadata(metadata),
    )


#: Versions a staging key can have: one per Validate attempt (retries included), with room.
MAX_VERSIONS = 16


def discard(s3: Any, bucket: str, staged: Staged) -> None:
    """Delete the promoted version, then any other left under the key (a retried Validate
    wrote one each): each exact version, so no noncurrent copy lingers (pipeline.md §1)."""
    delete(s3, bucket, staged.key, staged.version_id)
    for _ in range(MAX_VERSIONS):
        described = head(s3, bucket, staged.key)
        if described is None:
            return
        delete(s3, bucket, staged.key, str(described.get("VersionId") or ""))
    raise RuntimeError(f"s3://{bucket}/{staged.key} still has versions after {MAX_VERSIONS}")


def promote(
    s3: Any, bucket: str, keys: FileKeys, upload: conditional.Upload, staged: Staged
) -> conditional.Written:
    """Copy the staged version to processed/<path> server-side, only if this upload is newest."""
    return conditional.write_if_newest(
        s3,
        bucket,
        keys.processed,
        upload,
        conditional.copy_version(
            s3,
            bucket,
            staged.key,
            staged.version_id,
            staged.size,
            keys.processed,
            CONTENT_TYPE,
            extra=staged.figures.metadata(),
        ),
    )
