"""Deterministic Step Functions execution names, so a duplicate S3 event starts nothing new."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from contract.keys import CSV_SUFFIX, RAW_PREFIX

MAX_NAME = 80  # Step Functions execution name limit
_DIGEST_CHARS = 32  # 128 bits of sha256: collisions are not a practical concern
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def execution_name(bucket: str, key: str, version_id: str, etag: str, attempt: int = 0) -> str:
    """`<readable key tail>-<hash of bucket, key, version or etag>`: <= 80 chars of [A-Za-z0-9_-].

    The version id identifies an upload on a versioned bucket; the etag stands in when S3 gives
    none (unversioned bucket), so re-uploading identical bytes there maps to the same name.
    ``attempt`` 0 is the S3 trigger's execution (its name is unchanged by attempts); a sweep
    or replay of the same version starts attempt 1, 2, ... (``functions.common.attempts``,
    docs/pipeline.md §9), each name as deterministic as the first.
    """
    if attempt < 0:
        raise ValueError(f"attempt must be 0 or more, got {attempt}")
    identity = version_id or etag.strip('"')
    parts: list[object] = [bucket, key, identity] + ([attempt] if attempt else [])
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    digest = digest[:_DIGEST_CHARS]
    path = key.removeprefix(RAW_PREFIX).removesuffix(CSV_SUFFIX)
    path = unicodedata.normalize("NFKD", path).encode("ascii", "ignore").decode()  # été -> ete
    readable = _UNSAFE.sub("_", path).strip("_-") or "file"
    # Keep the tail: the file name says more than the leading folders.
    readable = readable[-(MAX_NAME - _DIGEST_CHARS - 1) :].lstrip("_-") or "file"
    return f"{readable}-{digest}"
