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


def execution_name(bucket: str, key: str, version_id: str, etag: str) -> str:
    """`<readable key tail>-<hash of bucket, key, version or etag>`: <= 80 chars of [A-Za-z0-9_-].

    The version id identifies an upload on a versioned bucket; the etag stands in when S3 gives
    none (unversioned bucket), so re-uploading identical bytes there maps to the same name.
    """
    identity = version_id or etag.strip('"')
    digest = hashlib.sha256(json.dumps([bucket, key, identity]).encode()).hexdigest()
    digest = digest[:_DIGEST_CHARS]
    path = key.removeprefix(RAW_PREFIX).removesuffix(CSV_SUFFIX)
    path = unicodedata.normalize("NFKD", path).encode("ascii", "ignore").decode()  # été -> ete
    readable = _UNSAFE.sub("_", path).strip("_-") or "file"
    # Keep the tail: the file name says more than the leading folders.
    readable = readable[-(MAX_NAME - _DIGEST_CHARS - 1) :].lstrip("_-") or "file"
    return f"{readable}-{digest}"
