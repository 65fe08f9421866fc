"""Object key layout of the data bucket (docs/data-contract.md, "Where a file ends").

``raw/<path>`` maps to ``processed/<path>`` on success and to ``failed/<path>`` plus
``failed/<path>.error.json`` (and ``failed/<path>.rejected.csv`` when rows were rejected
within tolerance); between the two functions a valid upload's output waits under
``staging/<path>.<upload>.staged``. Only objects under ``raw/`` whose key ends in ``.csv`` start the pipeline.

S3 keys are at most 1,024 bytes of UTF-8, and a derived key is longer than its raw key (up to
14 bytes for the report). A derived key that would not fit keeps its prefix and suffix and
replaces the end of the path with ``~<32 hex of sha256(path)>`` (``fit``): legal for every
legal raw key, distinct per path, and the same every time (docs/pipeline.md §5).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final

RAW_PREFIX: Final = "raw/"
PROCESSED_PREFIX: Final = "processed/"
FAILED_PREFIX: Final = "failed/"
#: The validated output of one upload between the two functions (docs/pipeline.md §1).
STAGING_PREFIX: Final = "staging/"
#: The bucket notification's suffix filter: only these objects start an execution.
CSV_SUFFIX: Final = ".csv"
ERROR_REPORT_SUFFIX: Final = ".error.json"
REJECTED_ROWS_SUFFIX: Final = ".rejected.csv"
#: S3's limit on an object key, in bytes of UTF-8.
MAX_KEY_BYTES: Final = 1024
#: Marks a shortened key: ``~`` then this many hex digits of the path's sha256.
SHORTENED_MARK: Final = "~"
_DIGEST_HEX = 32


def fit(prefix: str, path: str, suffix: str = "") -> str:
    """``prefix + path + suffix``, or its shortened form when that exceeds MAX_KEY_BYTES.

    The shortened form keeps the prefix, the path's ``.csv`` ending and the suffix, and puts
    ``~<digest>`` in place of as much of the path's end as needed (cut at a character).
    """
    full = prefix + path + suffix
    if len(full.encode()) <= MAX_KEY_BYTES:
        return full
    ending = CSV_SUFFIX if path.endswith(CSV_SUFFIX) else ""
    stem = path[: len(path) - len(ending)]
    digest = hashlib.sha256(path.encode()).hexdigest()[:_DIGEST_HEX]
    tail = f"{SHORTENED_MARK}{digest}{ending}{suffix}"
    room = MAX_KEY_BYTES - len(prefix.encode()) - len(tail.encode())
    cut = stem.encode()[:room].decode(errors="ignore")
    return prefix + cut + tail


def triggers_pipeline(key: str) -> bool:
    """Whether an object created under ``key`` starts an execution (prefix and suffix rule)."""
    return key.startswith(RAW_PREFIX) and key.endswith(CSV_SUFFIX)


@dataclass(frozen=True, slots=True)
class FileKeys:
    """Every key derived from one raw object key."""

    raw: str

    @classmethod
    def of(cls, key: str) -> FileKeys:
        """Check that ``key`` is a raw/ object key (raise ValueError otherwise)."""
        if not key.startswith(RAW_PREFIX) or len(key) == len(RAW_PREFIX):
            raise ValueError(f"object key must start with {RAW_PREFIX!r} and name a file: {key!r}")
        return cls(raw=key)

    @classmethod
    def from_path(cls, path: str) -> FileKeys:
        """The keys of the file uploaded as ``raw/<path>``."""
        return cls.of(RAW_PREFIX + path)

    @property
    def path(self) -> str:
        """The path after raw/."""
        return self.raw[len(RAW_PREFIX) :]

    @property
    def processed(self) -> str:
        """Where the transformed file goes on success."""
        return fit(PROCESSED_PREFIX, self.path)

    @property
    def failed(self) -> str:
        """Where the original bytes go on failure."""
        return fit(FAILED_PREFIX, self.path)

    @property
    def error_report(self) -> str:
        """The JSON report beside a failed file."""
        return fit(FAILED_PREFIX, self.path, ERROR_REPORT_SUFFIX)

    @property
    def rejected(self) -> str:
        """The rejected rows of a file accepted within the invalid-row tolerance."""
        return fit(FAILED_PREFIX, self.path, REJECTED_ROWS_SUFFIX)

    def staged(self, rank: str, version_id: str) -> str:
        """The validated output of one upload (its rank and version), before it is promoted.

        One key per upload, so a retry rewrites the same object and two uploads of one key
        never share one; its own ``.staged`` suffix keeps it from ever looking like a CSV.
        """
        upload = hashlib.sha256(f"{rank}/{version_id}".encode()).hexdigest()[:_DIGEST_HEX]
        return fit(STAGING_PREFIX, self.path, f".{upload}.staged")

    @property
    def outcomes(self) -> tuple[str, str]:
        """The two places a file can end: exactly one of them holds it afterwards."""
        return (self.processed, self.failed)
