"""Object key layout of the data bucket (docs/data-contract.md, "Where a file ends").

``raw/<path>`` maps to ``processed/<path>`` on success and to ``failed/<path>`` plus
``failed/<path>.error.json`` (and ``failed/<path>.rejected.csv`` when rows were rejected
within tolerance). Only objects under ``raw/`` whose key ends in ``.csv`` start the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

RAW_PREFIX: Final = "raw/"
PROCESSED_PREFIX: Final = "processed/"
FAILED_PREFIX: Final = "failed/"
#: The bucket notification's suffix filter: only these objects start an execution.
CSV_SUFFIX: Final = ".csv"
ERROR_REPORT_SUFFIX: Final = ".error.json"
REJECTED_ROWS_SUFFIX: Final = ".rejected.csv"


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
        return PROCESSED_PREFIX + self.path

    @property
    def failed(self) -> str:
        """Where the original bytes go on failure."""
        return FAILED_PREFIX + self.path

    @property
    def error_report(self) -> str:
        """The JSON report beside a failed file."""
        return f"{FAILED_PREFIX}{self.path}{ERROR_REPORT_SUFFIX}"

    @property
    def rejected(self) -> str:
        """The rejected rows of a file accepted within the invalid-row tolerance."""
        return f"{FAILED_PREFIX}{self.path}{REJECTED_ROWS_SUFFIX}"

    @property
    def outcomes(self) -> tuple[str, str]:
        """The two places a file can end: exactly one of them holds it afterwards."""
        return (self.processed, self.failed)
